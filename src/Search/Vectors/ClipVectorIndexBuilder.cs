using System.Numerics.Tensors;
using Retrieval.Models.Geometry;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>Collects unit vectors with their image ids into a <see cref="ClipVectorIndex"/>; rows keep the order they are added in.</summary>
public sealed class ClipVectorIndexBuilder
{
    private float[] singles = [];
    private Half[] halves = [];
    private readonly List<int> rowImage = [];
    private readonly List<Quad?> rowRegions = [];
    private readonly List<long> imageIds = [];
    private readonly Dictionary<long, int> imageIndex = [];
    private readonly EmbeddingPrecision precision;

    /// <param name="width">Components per vector.</param>
    /// <param name="precision">How the matrix keeps them.</param>
    /// <param name="expectedRows">A capacity hint; with the exact count, building copies nothing.</param>
    public ClipVectorIndexBuilder(int width, EmbeddingPrecision precision, int expectedRows = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRows);
        if (precision is not (EmbeddingPrecision.Float16 or EmbeddingPrecision.Float32))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "In memory the index keeps float16 or float32 vectors (int8 is a storage format, widened on load).");
        }

        Width = width;
        this.precision = precision;
        if (precision == EmbeddingPrecision.Float16)
        {
            halves = new Half[(long)expectedRows * width];
        }
        else
        {
            singles = new float[(long)expectedRows * width];
        }
    }

    public int Width { get; }

    /// <param name="imageId">The image the vector belongs to.</param>
    /// <param name="vector">A unit vector.</param>
    /// <param name="region">Where in the image the vector was taken (null for the whole image).</param>
    /// <exception cref="InvalidDataException">The vector is not <see cref="Width"/> wide.</exception>
    public void Add(long imageId, ReadOnlySpan<float> vector, Quad? region = null)
    {
        if (vector.Length != Width)
        {
            throw new InvalidDataException($"An embedding of image {imageId} has {vector.Length} components, the others {Width}; the index mixes models. Re-run `retrieval index --embed`.");
        }

        if (!imageIndex.TryGetValue(imageId, out var image))
        {
            image = imageIds.Count;
            imageIndex.Add(imageId, image);
            imageIds.Add(imageId);
        }

        var offset = rowImage.Count * Width;
        rowImage.Add(image);
        rowRegions.Add(region);
        if (precision == EmbeddingPrecision.Float16)
        {
            halves = Grown(halves, offset + Width);
            TensorPrimitives.ConvertToHalf(vector, halves.AsSpan(offset, Width));
        }
        else
        {
            singles = Grown(singles, offset + Width);
            vector.CopyTo(singles.AsSpan(offset, Width));
        }
    }

    public ClipVectorIndex Build()
    {
        var length = rowImage.Count * Width;
        return precision == EmbeddingPrecision.Float16
            ? new ClipVectorIndex(new InMemoryClipVectors(Width, null, Trimmed(halves, length), [.. rowImage], [.. rowRegions], [.. imageIds]))
            : new ClipVectorIndex(new InMemoryClipVectors(Width, Trimmed(singles, length), null, [.. rowImage], [.. rowRegions], [.. imageIds]));
    }

    private static T[] Grown<T>(T[] array, int needed)
    {
        if (array.Length >= needed)
        {
            return array;
        }

        Array.Resize(ref array, Math.Max(needed, array.Length * 2));
        return array;
    }

    private static T[] Trimmed<T>(T[] array, int length)
    {
        if (array.Length != length)
        {
            Array.Resize(ref array, length);
        }

        return array;
    }
}
