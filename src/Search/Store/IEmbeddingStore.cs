using Retrieval.Models.Geometry;

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

    /// <summary>
    /// The folder where files derived from the stored embeddings (memory-mapped vector files) are kept, or null when
    /// the store has none and they are read into memory instead.
    /// </summary>
    string? VectorFileDirectory { get; }

    /// <summary>
    /// A number raised in the same transaction as any change to the stored embeddings of any model (added, replaced,
    /// deleted, or deleted with their image); one cheap read, for a long-running searcher that follows the index.
    /// </summary>
    Task<long> GetEmbeddingGenerationAsync(CancellationToken cancellationToken = default);

    /// <summary>The generation, rows and largest row id of <paramref name="modelId"/>'s embeddings, from one snapshot.</summary>
    Task<EmbeddingState> GetEmbeddingStateAsync(string modelId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens one snapshot of <paramref name="modelId"/>'s embeddings to read as stored (what a vector file is built from):
    /// its <see cref="EmbeddingState"/>, and the rows grouped by image. Dispose it to end the snapshot.
    /// </summary>
    Task<IEmbeddingRowReader> OpenEmbeddingRowsAsync(string modelId, CancellationToken cancellationToken = default);
}

/// <summary>
/// What tells a file derived from one model's embeddings whether it is current: the store's embedding generation,
/// and the model's row count and largest row id (row ids are never reused, so together they change whenever the
/// rows do, even if a writer failed to raise the generation).
/// </summary>
public sealed record EmbeddingState(long Generation, long Rows, long MaxId);

/// <summary>One stored embedding row with its vector as stored (<see cref="EmbeddingCodec"/> bytes, not decoded).</summary>
public sealed record StoredVectorRow(long Id, long ImageId, Quad? Region, EmbeddingPrecision Precision, int Dimension, byte[] Vector);

/// <summary>One read snapshot of a model's embeddings (<see cref="IEmbeddingStore.OpenEmbeddingRowsAsync"/>).</summary>
public interface IEmbeddingRowReader : IAsyncDisposable
{
    EmbeddingState State { get; }

    /// <summary>Every row, grouped by image in image id order, an image's rows in id order. Read once.</summary>
    IAsyncEnumerable<StoredVectorRow> ReadAsync(CancellationToken cancellationToken = default);
}

/// <summary>How many embeddings one model has in an index, and over how many images.</summary>
public sealed record EmbeddingCounts(long Embeddings, long Images);
