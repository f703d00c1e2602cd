using System.Numerics.Tensors;
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
    private readonly long[] imageIds;

    internal ClipVectorIndex(int width, float[]? singles, Half[]? halves, int[] rowImage, long[] imageIds)
    {
        Width = width;
        this.singles = singles;
        this.halves = halves;
        this.rowImage = rowImage;
        this.imageIds = imageIds;
    }

    public int Width { get; }

    /// <summary>Stored rows (image and region embeddings together).</summary>
    public int Count => rowImage.Length;

    public int ImageCount => imageIds.Length;

    public EmbeddingPrecision Precision => halves is null ? EmbeddingPrecision.Float32 : EmbeddingPrecision.Float16;

    /// <summary>Bytes of memory a row costs: the vector plus its image index.</summary>
    public int BytesPerRow => (Width * (halves is null ? sizeof(float) : 2)) + sizeof(int);

    /// <summary>Loads every embedding of <paramref name="modelId"/> from the store, kept at <paramref name="precision"/>.</summary>
    /// <exception cref="InvalidDataException">A stored vector's width differs from the others.</exception>
    public static async Task<ClipVectorIndex> LoadAsync(IIndexStore store, string modelId, EmbeddingPrecision precision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ClipVectorIndexBuilder? builder = null;
        await foreach (var embedding in store.StreamEmbeddingsAsync(modelId, cancellationToken).ConfigureAwait(false))
        {
            builder ??= new ClipVectorIndexBuilder(embedding.Vector.Length, precision);
            builder.Add(embedding.ImageId, embedding.Vector);
        }

        return (builder ?? new ClipVectorIndexBuilder(1, precision)).Build();
    }

    /// <summary>The <paramref name="top"/> images with the highest similarity to <paramref name="query"/> (unit length), best first, ties by image id.</summary>
    public IReadOnlyList<ClipVectorHit> Search(ReadOnlySpan<float> query, int top)
    {
        if (query.Length != Width)
        {
            throw new ArgumentException($"The query has {query.Length} components; this index holds {Width}-wide vectors. Embed it with the registered CLIP model.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(top);
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

        return TopImages(best, bestRow, top);
    }

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

    private List<ClipVectorHit> TopImages(float[] best, int[] bestRow, int top)
    {
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
