using System.Collections.Concurrent;
using Retrieval.Models.Text;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Server;

/// <summary>
/// The server's <see cref="Retrieval.Search.Searcher"/> reads the index through this: decoded lines
/// (with their lattices) and images are kept in memory by id, so the lines many queries share are
/// read and decoded once. Safe without invalidation because the store never changes a record under
/// an id (a re-indexed image gets new image and line ids, <see cref="IIndexStore.GetLinesAsync"/>)
/// and the Searcher reaches ids only through fresh candidate lookups, which never return deleted
/// lines. Everything else, writes included, passes straight through. Bounded: past
/// <see cref="MaxLines"/> lines or <see cref="MaxImages"/> images a part is dropped.
/// </summary>
internal sealed class CachedSearchReads(IIndexStore store) : IIndexStore
{
    public const int MaxLines = 200_000;
    public const int MaxImages = 100_000;

    private readonly ConcurrentDictionary<long, StoredLine> lines = new();
    private readonly ConcurrentDictionary<long, IReadOnlyList<StoredLine>> imageLines = new();
    private readonly ConcurrentDictionary<long, StoredImage> images = new();

    public async Task<IReadOnlyList<StoredLine>> GetLinesAsync(IReadOnlyList<long> lineIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lineIds);
        var missing = lineIds.Where(id => !lines.ContainsKey(id)).ToList();
        var found = new Dictionary<long, StoredLine>(lineIds.Count);
        if (missing.Count > 0)
        {
            Trim(lines, MaxLines, missing.Count);
            foreach (var line in await store.GetLinesAsync(missing, cancellationToken).ConfigureAwait(false))
            {
                lines[line.Id] = line;
                found[line.Id] = line;
            }
        }

        var result = new List<StoredLine>(lineIds.Count);
        foreach (var id in lineIds.Distinct().Order())
        {
            if (found.TryGetValue(id, out var line) || lines.TryGetValue(id, out line))
            {
                result.Add(line);
            }
        }

        return result;
    }

    public async Task<IReadOnlyList<StoredLine>> GetImageLinesAsync(long imageId, CancellationToken cancellationToken = default)
    {
        if (imageLines.TryGetValue(imageId, out var cached))
        {
            return cached;
        }

        var read = await store.GetImageLinesAsync(imageId, cancellationToken).ConfigureAwait(false);
        Trim(imageLines, MaxImages, 1);
        imageLines[imageId] = read;
        return read;
    }

    public async Task<StoredImage?> GetImageAsync(long imageId, CancellationToken cancellationToken = default)
    {
        if (images.TryGetValue(imageId, out var cached))
        {
            return cached;
        }

        var image = await store.GetImageAsync(imageId, cancellationToken).ConfigureAwait(false);
        if (image is not null)
        {
            Trim(images, MaxImages, 1);
            images[imageId] = image;
        }

        return image;
    }

    public Task<IndexInfo> GetInfoAsync(CancellationToken cancellationToken = default) => store.GetInfoAsync(cancellationToken);

    public Task<IReadOnlyList<LineCandidate>> CandidateLinesAsync(string term, int limit, CancellationToken cancellationToken = default) =>
        store.CandidateLinesAsync(term, limit, cancellationToken);

    public IAsyncEnumerable<StoredLine> StreamLinesAsync(CancellationToken cancellationToken = default) => store.StreamLinesAsync(cancellationToken);

    public IAsyncEnumerable<StoredEmbedding> StreamEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default) =>
        store.StreamEmbeddingsAsync(modelId, cancellationToken);

    public Task EnsureModelsAsync(IReadOnlyDictionary<string, string> modelHashes, TextFolding folding, bool rebuild, CancellationToken cancellationToken = default) =>
        store.EnsureModelsAsync(modelHashes, folding, rebuild, cancellationToken);

    public Task<IReadOnlyList<long>> WriteAsync(IReadOnlyList<ImageDocument> batch, CancellationToken cancellationToken = default) => store.WriteAsync(batch, cancellationToken);

    public Task<int> DeleteImagesAsync(IReadOnlyList<long> imageIds, CancellationToken cancellationToken = default) => store.DeleteImagesAsync(imageIds, cancellationToken);

    public Task<int> DeletePathsAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken = default) => store.DeletePathsAsync(paths, cancellationToken);

    public Task<StoredImage?> FindImageAsync(ImageKey key, CancellationToken cancellationToken = default) => store.FindImageAsync(key, cancellationToken);

    public IAsyncEnumerable<StoredImage> ListImagesUnderAsync(string root, CancellationToken cancellationToken = default) => store.ListImagesUnderAsync(root, cancellationToken);

    public Task<IReadOnlyList<StoredImage>> ListFailuresAsync(int limit, CancellationToken cancellationToken = default) => store.ListFailuresAsync(limit, cancellationToken);

    public Task<IndexCounts> GetCountsAsync(CancellationToken cancellationToken = default) => store.GetCountsAsync(cancellationToken);

    public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default) => store.GetSettingAsync(key, cancellationToken);

    public Task SetSettingAsync(string key, string? value, CancellationToken cancellationToken = default) => store.SetSettingAsync(key, value, cancellationToken);

    /// <summary>The store belongs to whoever opened it; this view owns nothing.</summary>
    public void Dispose()
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Makes room for <paramref name="adding"/> entries by dropping an arbitrary tenth when the limit is near.</summary>
    private static void Trim<T>(ConcurrentDictionary<long, T> cache, int limit, int adding)
    {
        if (cache.Count + adding <= limit)
        {
            return;
        }

        foreach (var key in cache.Keys.Take(Math.Max(adding, limit / 10)).ToList())
        {
            cache.TryRemove(key, out _);
        }
    }
}
