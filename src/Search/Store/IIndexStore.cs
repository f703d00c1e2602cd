using Retrieval.Models.Text;

namespace Retrieval.Search.Store;

/// <summary>
/// The index of images, text lines, words, reading lattices and embeddings: one writer, many
/// readers. Every write call is one transaction, so readers and a crashed run only ever see whole
/// batches. Implementations keep their database dialect to themselves (SQLite now, PostgreSQL later);
/// the candidate lookup is the part that differs most, so its contract is stated here.
/// Errors that make the index unusable are <see cref="IndexStoreException"/>s.
/// </summary>
public interface IIndexStore : IDisposable, IAsyncDisposable
{
    /// <summary>Versions, text folding and models of the index.</summary>
    Task<IndexInfo> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks that the index was built with these models (name to content hash) and folding, and
    /// records them when the index is empty. With <paramref name="rebuild"/> it first clears the
    /// whole index (what `retrieval index --rebuild` asks for) and then records them.
    /// </summary>
    /// <exception cref="IndexMismatchException">The index holds records made with other models or folding.</exception>
    Task EnsureModelsAsync(IReadOnlyDictionary<string, string> modelHashes, TextFolding folding, bool rebuild, CancellationToken cancellationToken = default);

    /// <summary>
    /// A setting recorded in the index under <paramref name="key"/> (for example the registered CLIP model), or null
    /// when none is. Settings are small strings that describe how to use the index; they live apart from the
    /// store's own version keys, so any key is allowed.
    /// </summary>
    Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Records <paramref name="value"/> under <paramref name="key"/>, replacing what was there; null removes it. One transaction.</summary>
    Task SetSettingAsync(string key, string? value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds or replaces (by <see cref="ImageDocument.Key"/>) every image of the batch with its lines,
    /// words and embeddings, in one transaction: all or nothing. Returns the new image ids in batch order.
    /// </summary>
    Task<IReadOnlyList<long>> WriteAsync(IReadOnlyList<ImageDocument> batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes candidate lookups as cheap as the store can after a bulk write (SQLite: each n-gram table
    /// merged into one segment, which halved lookup time on the dev index). Costs about as much as
    /// rewriting the n-gram index once, so call it at the end of an indexing run, not per batch. The
    /// default does nothing. One transaction.
    /// </summary>
    Task CompactAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Deletes images with their lines, words, embeddings and text index entries; returns how many existed.</summary>
    Task<int> DeleteImagesAsync(IReadOnlyList<long> imageIds, CancellationToken cancellationToken = default);

    /// <summary>Deletes every image stored under these exact paths (a file, or all frames of a video); returns how many.</summary>
    Task<int> DeletePathsAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken = default);

    /// <summary>The image with this key, or null; what incremental indexing compares size and time with.</summary>
    Task<StoredImage?> FindImageAsync(ImageKey key, CancellationToken cancellationToken = default);

    Task<StoredImage?> GetImageAsync(long imageId, CancellationToken cancellationToken = default);

    /// <summary>Images whose path is <paramref name="root"/> or lies below it (for pruning deleted files), in path order.</summary>
    IAsyncEnumerable<StoredImage> ListImagesUnderAsync(string root, CancellationToken cancellationToken = default);

    /// <summary>Images whose status is not Ok, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredImage>> ListFailuresAsync(int limit, CancellationToken cancellationToken = default);

    Task<IndexCounts> GetCountsAsync(CancellationToken cancellationToken = default);

    /// <summary>The lines with these ids that exist, in id order. Ids are never reused, so a stale id just yields nothing.</summary>
    Task<IReadOnlyList<StoredLine>> GetLinesAsync(IReadOnlyList<long> lineIds, CancellationToken cancellationToken = default);

    /// <summary>All lines of an image in reading order.</summary>
    Task<IReadOnlyList<StoredLine>> GetImageLinesAsync(long imageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The lattices of the lines with these ids that exist, in id order: what ranking reads for
    /// every candidate line, so implementations should read them in one query and skip words and
    /// image keys. The default reads whole lines.
    /// </summary>
    async Task<IReadOnlyList<StoredLattice>> GetLineLatticesAsync(IReadOnlyList<long> lineIds, CancellationToken cancellationToken = default) =>
        (await GetLinesAsync(lineIds, cancellationToken).ConfigureAwait(false)).Select(ToLattice).ToList();

    /// <summary>
    /// The lattices of every line of these images, ordered by image id then reading order (phrases
    /// are ranked on whole images). Implementations should read them in one query; the default
    /// reads image by image.
    /// </summary>
    async Task<IReadOnlyList<StoredLattice>> GetImageLineLatticesAsync(IReadOnlyList<long> imageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageIds);
        var lattices = new List<StoredLattice>();
        foreach (var imageId in imageIds.Order())
        {
            lattices.AddRange((await GetImageLinesAsync(imageId, cancellationToken).ConfigureAwait(false)).Select(ToLattice));
        }

        return lattices;
    }

    /// <summary>Every line in id order, from one consistent snapshot (for exhaustive scoring and recall measurement).</summary>
    IAsyncEnumerable<StoredLine> StreamLinesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every embedding made by <paramref name="modelId"/>, in id order, from one snapshot.</summary>
    IAsyncEnumerable<StoredEmbedding> StreamEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lines whose best reading or lattice alternatives share n-grams with <paramref name="term"/>
    /// (already folded like the index, see <see cref="IndexInfo.Folding"/>), most shared grams first,
    /// then by line id; at most <paramref name="limit"/>. Terms of 5 or more characters use their
    /// trigrams; 3 and 4 characters their trigrams and bigrams; 1 and 2 characters must occur exactly.
    /// So a line whose reading has one or two characters wrong still comes back, ranked below exact ones.
    /// </summary>
    Task<IReadOnlyList<LineCandidate>> CandidateLinesAsync(string term, int limit, CancellationToken cancellationToken = default);

    private static StoredLattice ToLattice(StoredLine line) => new(line.Id, line.ImageId, line.Ordinal, line.Quad, line.Text, line.Lattice);
}
