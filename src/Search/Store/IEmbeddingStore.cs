namespace Retrieval.Search.Store;

/// <summary>The CLIP embeddings of one image as <c>retrieval index --embed</c> adds them to an image whose text is already stored.</summary>
/// <param name="ImageId">The stored image.</param>
/// <param name="Embeddings">Its new embeddings (image and region owners; line owners need the lines of a document and are not allowed here).</param>
public sealed record ImageEmbeddings(long ImageId, IReadOnlyList<EmbeddingDocument> Embeddings);

/// <summary>
/// What an index store offers besides <see cref="IIndexStore"/> so embeddings can be added to an existing index without
/// reading its text again, and an interrupted embedding run can resume. A store that lacks it (PostgreSQL, for now)
/// still stores embeddings written with whole documents, but <c>index --embed</c> refuses it.
/// </summary>
public interface IEmbeddingStore
{
    /// <summary>Ids of the images that hold at least one embedding made by <paramref name="modelId"/>.</summary>
    Task<IReadOnlySet<long>> EmbeddedImagesAsync(string modelId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Images indexed without errors from files (not video frames) that hold no embedding made by
    /// <paramref name="modelId"/>, in id order, from one snapshot.
    /// </summary>
    IAsyncEnumerable<StoredImage> ImagesWithoutEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default);

    /// <summary>
    /// For each image of the batch, replaces all its embeddings (of any model) by the given ones, in one transaction:
    /// all or nothing. An image that no longer exists (deleted or re-indexed since) is skipped. Returns how many images were written.
    /// </summary>
    /// <exception cref="ArgumentException">An embedding is invalid or owned by a line.</exception>
    Task<int> ReplaceEmbeddingsAsync(IReadOnlyList<ImageEmbeddings> batch, CancellationToken cancellationToken = default);

    /// <summary>Deletes every embedding not made by <paramref name="keepModelId"/> (all of them when null); returns how many. One transaction.</summary>
    Task<long> DeleteEmbeddingsAsync(string? keepModelId, CancellationToken cancellationToken = default);

    /// <summary>Embeddings made by <paramref name="modelId"/> and the images they belong to.</summary>
    Task<EmbeddingCounts> CountEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default);
}

/// <summary>How many embeddings one model has in an index, and over how many images.</summary>
public sealed record EmbeddingCounts(long Embeddings, long Images);
