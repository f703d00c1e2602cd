using System.Numerics.Tensors;
using Retrieval.Models.Geometry;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>
/// Rows in one contiguous managed matrix (float32, or float16 at half the memory), in the order they were added; what
/// <see cref="ClipVectorIndexBuilder"/> builds, and what a store without vector files is read into.
/// </summary>
internal sealed class InMemoryClipVectors : ClipVectorRows
{
    private readonly float[]? singles;
    private readonly Half[]? halves;
    private readonly int[] rowImage;
    private readonly Quad?[] rowRegions;
    private readonly long[] imageIds;
    private readonly Dictionary<long, int> imageIndex;

    public InMemoryClipVectors(int width, float[]? singles, Half[]? halves, int[] rowImage, Quad?[] rowRegions, long[] imageIds)
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

    public override int Width { get; }

    public override int Count => rowImage.Length;

    public override int ImageCount => imageIds.Length;

    public override EmbeddingPrecision Precision => halves is null ? EmbeddingPrecision.Float32 : EmbeddingPrecision.Float16;

    /// <summary>The vector, its image index and its region (a nullable quad).</summary>
    public override int BytesPerRow => (Width * (halves is null ? sizeof(float) : 2)) + sizeof(int) + RegionBytes;

    /// <summary>What a row's region costs in memory (an optional 8-float quad).</summary>
    internal static int RegionBytes => System.Runtime.CompilerServices.Unsafe.SizeOf<Quad?>();

    public override long ImageId(int image) => imageIds[image];

    public override bool TryGetImage(long imageId, out int image) => imageIndex.TryGetValue(imageId, out image);

    public override Quad? Region(int row) => rowRegions[row];

    public override void ScanInto(ReadOnlySpan<float> query, Span<float> best, Span<int> bestRow)
    {
        if (halves is null)
        {
            var matrix = singles.AsSpan();
            for (var row = 0; row < rowImage.Length; row++)
            {
                ClipVectorKernels.Keep(rowImage[row], row, TensorPrimitives.Dot(query, matrix.Slice(row * Width, Width)), best, bestRow);
            }

            return;
        }

        var halfMatrix = halves.AsSpan();
        for (var row = 0; row < rowImage.Length; row++)
        {
            ClipVectorKernels.Keep(rowImage[row], row, ClipVectorKernels.DotHalf(query, halfMatrix.Slice(row * Width, Width)), best, bestRow);
        }
    }
}
