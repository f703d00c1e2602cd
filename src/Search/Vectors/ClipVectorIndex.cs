using System.Numerics.Tensors;
using Retrieval.Models.Geometry;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>One image found by the CLIP channel: its best cosine over its image and region embeddings, and the row that gave it.</summary>
public readonly record struct ClipVectorHit(long ImageId, float Similarity, int Row);

/// <summary>
/// Every CLIP embedding of one model in one contiguous in-memory matrix (float32, or float16 at half the memory),
/// scanned exactly: a query is dotted with every row (vectors are unit length, so the dot is the cosine) and each
/// image scores the maximum over its rows, so an image matches through its whole-image embedding or any text region.
/// Thread-safe for concurrent <see cref="Search"/> calls once built. Single-threaded per query by design: the scan
/// is memory-bound and the server runs queries side by side.
/// </summary>
public sealed class ClipVectorIndex
{
    private const int HalfBlockRows = 64;
    private readonly float[]? singles;
    private readonly Half[]? halves;
    private readonly int[] rowImage;
    private readonly Quad?[] rowRegions;
    private readonly long[] imageIds;
    private readonly Dictionary<long, int> imageIndex;

    internal ClipVectorIndex(int width, float[]? singles, Half[]? halves, int[] rowImage, Quad?[] rowRegions, long[] imageIds)
    {
        Width = width;
        this.singles = singles;
        this.halves = halves;
        this.rowImage = rowImage;
        this.rowRegions = rowRegions;
        this.imageIds = imageIds;
        imageIndex = new Dictionary<long, int>(imageIds.Length);
        for (var i = 0; i < imageIds.Length; i++)
        {
            imageIndex[imageIds[i]] = i;
        }
    }

    public int Width { get; }

    /// <summary>Stored rows (image and region embeddings together).</summary>
    public int Count => rowImage.Length;

    public int ImageCount => imageIds.Length;

    public EmbeddingPrecision Precision => halves is null ? EmbeddingPrecision.Float32 : EmbeddingPrecision.Float16;

    /// <summary>Bytes of memory a row costs: the vector, its image index and its region (a nullable quad).</summary>
    public int BytesPerRow => (Width * (halves is null ? sizeof(float) : 2)) + sizeof(int) + RegionBytes;

    /// <summary>What a row's region costs in memory (an optional 8-float quad).</summary>
    internal static int RegionBytes => System.Runtime.CompilerServices.Unsafe.SizeOf<Quad?>();

    /// <summary>Loads every embedding of <paramref name="modelId"/> from the store, kept at <paramref name="precision"/>.</summary>
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

    /// <summary>The <paramref name="top"/> images with the highest similarity to <paramref name="query"/> (unit length), best first, ties by image id.</summary>
    public IReadOnlyList<ClipVectorHit> Search(ReadOnlySpan<float> query, int top) => Scan(query).Top(top);

    /// <summary>Every image's best similarity to <paramref name="query"/> (unit length) over its rows, with their distribution.</summary>
    public ClipScan Scan(ReadOnlySpan<float> query)
    {
        if (query.Length != Width)
        {
            throw new ArgumentException($"The query has {query.Length} components; this index holds {Width}-wide vectors. Embed it with the registered CLIP model.", nameof(query));
        }

        var best = new float[imageIds.Length];
        var bestRow = new int[imageIds.Length];
        Array.Fill(best, float.NegativeInfinity);
        if (halves is null)
        {
            ScanSingles(query, best, bestRow);
        }
        else
        {
            ScanHalves(query, best, bestRow);
        }

        return new ClipScan(this, best, bestRow);
    }

    /// <summary>The region of a row (null for a whole-image row).</summary>
    public Quad? Region(int row) => rowRegions[row];

    internal long ImageId(int image) => imageIds[image];

    internal bool TryGetImage(long imageId, out int image) => imageIndex.TryGetValue(imageId, out image);

    private void ScanSingles(ReadOnlySpan<float> query, float[] best, int[] bestRow)
    {
        var matrix = singles.AsSpan();
        for (var row = 0; row < rowImage.Length; row++)
        {
            var similarity = TensorPrimitives.Dot(query, matrix.Slice(row * Width, Width));
            Keep(row, similarity, best, bestRow);
        }
    }

    private void ScanHalves(ReadOnlySpan<float> query, float[] best, int[] bestRow)
    {
        // Widening a block of rows at a time keeps the float copy in L1/L2 and lets the conversion vectorize (F16C).
        var block = new float[HalfBlockRows * Width];
        var matrix = halves.AsSpan();
        for (var start = 0; start < rowImage.Length; start += HalfBlockRows)
        {
            var rows = Math.Min(HalfBlockRows, rowImage.Length - start);
            var widened = block.AsSpan(0, rows * Width);
            TensorPrimitives.ConvertToSingle(matrix.Slice(start * Width, rows * Width), widened);
            for (var i = 0; i < rows; i++)
            {
                Keep(start + i, TensorPrimitives.Dot(query, widened.Slice(i * Width, Width)), best, bestRow);
            }
        }
    }

    private void Keep(int row, float similarity, float[] best, int[] bestRow)
    {
        var image = rowImage[row];
        if (similarity > best[image])
        {
            best[image] = similarity;
            bestRow[image] = row;
        }
    }

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

            var priority = (best[image], -imageIds[image]);
            if (queue.Count < top)
            {
                queue.Enqueue(image, priority);
            }
            else if (queue.TryPeek(out _, out var worst) && priority.CompareTo(worst) > 0)
            {
                queue.DequeueEnqueue(image, priority);
            }
        }

        var hits = new List<ClipVectorHit>(queue.Count);
        while (queue.TryDequeue(out var image, out _))
        {
            hits.Add(new ClipVectorHit(imageIds[image], best[image], bestRow[image]));
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
