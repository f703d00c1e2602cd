using Microsoft.Extensions.Logging;
using Retrieval.Models.Geometry;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>One image found by the CLIP channel: its best cosine over its image and region embeddings, and the row that gave it.</summary>
public readonly record struct ClipVectorHit(long ImageId, float Similarity, int Row);

/// <summary>
/// Every CLIP embedding of one model, scanned exactly: a query is dotted with every row (vectors are unit length, so
/// the dot is the cosine) and each image scores the maximum over its rows, so an image matches through its
/// whole-image embedding or any text region. The rows are either one contiguous in-memory matrix (float32, or
/// float16 at half the memory; <see cref="LoadAsync"/>, <see cref="ClipVectorIndexBuilder"/>) or a memory-mapped
/// vector file in the index directory (<see cref="OpenAsync"/>: float16, float32, or int8 with a scale per row), which
/// the scan reads in place. Both give the same hits for the same precision. Thread-safe for concurrent
/// <see cref="Search"/> calls once built. Single-threaded per query by design: the scan is memory-bound and the server
/// runs queries side by side. Dispose a mapped index to unmap its file (a scan still running finishes first).
/// </summary>
public sealed class ClipVectorIndex : IDisposable
{
    private readonly ClipVectorRows rows;

    internal ClipVectorIndex(ClipVectorRows rows)
    {
        this.rows = rows;
    }

    public int Width => rows.Width;

    /// <summary>Stored rows (image and region embeddings together).</summary>
    public int Count => rows.Count;

    public int ImageCount => rows.ImageCount;

    public EmbeddingPrecision Precision => rows.Precision;

    /// <summary>
    /// Bytes a row costs: in memory the vector, its image index and its region (a nullable quad); mapped, the row's
    /// vector (padded to 64 bytes), its region and its int8 scale in the file.
    /// </summary>
    public int BytesPerRow => rows.BytesPerRow;

    /// <summary>The vector file the index scans in place, or null when its rows are in memory.</summary>
    public string? FilePath => rows.FilePath;

    /// <summary>Loads every embedding of <paramref name="modelId"/> from the store into memory, kept at <paramref name="precision"/>.</summary>
    /// <exception cref="InvalidDataException">A stored vector's width differs from the others.</exception>
    public static async Task<ClipVectorIndex> LoadAsync(IIndexStore store, string modelId, EmbeddingPrecision precision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ClipVectorIndexBuilder? builder = null;
        await foreach (var embedding in store.StreamEmbeddingsAsync(modelId, cancellationToken).ConfigureAwait(false))
        {
            builder ??= new ClipVectorIndexBuilder(embedding.Vector.Length, precision);
            builder.Add(embedding.ImageId, embedding.Vector, embedding.Region);
        }

        return (builder ?? new ClipVectorIndexBuilder(1, precision)).Build();
    }

    /// <summary>
    /// Every embedding of <paramref name="modelId"/>, scanned from the index's vector file at <paramref name="precision"/>
    /// (<see cref="ClipVectorFiles"/>): the file is used when it is current, and rebuilt from the store first when it is
    /// missing, stale or damaged (logged). A store without vector files, or a folder that cannot take one, gives the
    /// in-memory index of <see cref="LoadAsync"/> (at float16 when int8 is asked for).
    /// </summary>
    public static Task<ClipVectorIndex> OpenAsync(IIndexStore store, string modelId, EmbeddingPrecision precision, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        new ClipVectorFiles(logger).OpenAsync(store, modelId, precision, cancellationToken);

    /// <summary>The <paramref name="top"/> images with the highest similarity to <paramref name="query"/> (unit length), best first, ties by image id.</summary>
    public IReadOnlyList<ClipVectorHit> Search(ReadOnlySpan<float> query, int top) => Scan(query).Top(top);

    /// <summary>Every image's best similarity to <paramref name="query"/> (unit length) over its rows, with their distribution.</summary>
    public ClipScan Scan(ReadOnlySpan<float> query)
    {
        if (query.Length != Width)
        {
            throw new ArgumentException($"The query has {query.Length} components; this index holds {Width}-wide vectors. Embed it with the registered CLIP model.", nameof(query));
        }

        var best = new float[rows.ImageCount];
        var bestRow = new int[rows.ImageCount];
        Array.Fill(best, float.NegativeInfinity);
        rows.ScanInto(query, best, bestRow);
        return new ClipScan(this, best, bestRow);
    }

    /// <summary>The region of a row (null for a whole-image row).</summary>
    public Quad? Region(int row) => rows.Region(row);

    public void Dispose() => rows.Dispose();

    internal long ImageId(int image) => rows.ImageId(image);

    internal bool TryGetImage(long imageId, out int image) => rows.TryGetImage(imageId, out image);

    internal List<ClipVectorHit> TopImages(float[] best, int[] bestRow, int top)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        var queue = new PriorityQueue<int, (float Similarity, long NegatedId)>();
        for (var image = 0; image < best.Length; image++)
        {
            if (float.IsNegativeInfinity(best[image]) || top == 0)
            {
                continue;
            }

            if (queue.Count < top)
            {
                queue.Enqueue(image, (best[image], -rows.ImageId(image)));
            }
            else if (queue.TryPeek(out _, out var worst) && best[image] >= worst.Similarity)
            {
                // Only a contender needs its id (a mapped index reads it from the file): for the tie-break.
                var priority = (best[image], -rows.ImageId(image));
                if (priority.CompareTo(worst) > 0)
                {
                    queue.DequeueEnqueue(image, priority);
                }
            }
        }

        var hits = new List<ClipVectorHit>(queue.Count);
        while (queue.TryDequeue(out var image, out _))
        {
            hits.Add(new ClipVectorHit(rows.ImageId(image), best[image], bestRow[image]));
        }

        hits.Reverse();
        return hits;
    }
}

/// <summary>
/// One query's scan: every image's best similarity and the row that gave it, and their mean and standard deviation
/// over the images (what a per-query calibration needs: raw CLIP cosines sit in a narrow, model-dependent band).
/// </summary>
public sealed class ClipScan
{
    private readonly ClipVectorIndex index;
    private readonly float[] best;
    private readonly int[] bestRow;

    internal ClipScan(ClipVectorIndex index, float[] best, int[] bestRow)
    {
        this.index = index;
        this.best = best;
        this.bestRow = bestRow;
        double sum = 0, squares = 0;
        var count = 0;
        foreach (var value in best)
        {
            if (!float.IsNegativeInfinity(value))
            {
                sum += value;
                squares += (double)value * value;
                count++;
            }
        }

        Images = count;
        Mean = count > 0 ? sum / count : 0;
        StandardDeviation = count > 1 ? Math.Sqrt(Math.Max(0, (squares / count) - (Mean * Mean))) : 0;
    }

    /// <summary>Images scanned (those with at least one row).</summary>
    public int Images { get; }

    public double Mean { get; }

    public double StandardDeviation { get; }

    public ClipVectorIndex Index => index;

    /// <summary>The best similarity of <paramref name="imageId"/> and its row, or false when the image has no embedding.</summary>
    public bool TryGet(long imageId, out ClipVectorHit hit)
    {
        if (index.TryGetImage(imageId, out var image) && !float.IsNegativeInfinity(best[image]))
        {
            hit = new ClipVectorHit(imageId, best[image], bestRow[image]);
            return true;
        }

        hit = default;
        return false;
    }

    /// <summary>The <paramref name="top"/> best images, best first, ties by image id.</summary>
    public IReadOnlyList<ClipVectorHit> Top(int top) => index.TopImages(best, bestRow, top);
}
