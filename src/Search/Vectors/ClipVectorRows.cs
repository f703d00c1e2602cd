using Retrieval.Models.Geometry;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>
/// Where a <see cref="ClipVectorIndex"/> keeps its rows: managed arrays (<see cref="InMemoryClipVectors"/>) or a
/// memory-mapped vector file (<see cref="MappedClipVectors"/>). Images are numbered 0..<see cref="ImageCount"/>-1;
/// <see cref="ScanInto"/> leaves each image's best similarity and the row that gave it (the first such row on ties).
/// </summary>
internal abstract class ClipVectorRows : IDisposable
{
    public abstract int Width { get; }

    public abstract int Count { get; }

    public abstract int ImageCount { get; }

    public abstract EmbeddingPrecision Precision { get; }

    public abstract int BytesPerRow { get; }

    /// <summary>The vector file the rows are mapped from, or null in memory.</summary>
    public virtual string? FilePath => null;

    public abstract long ImageId(int image);

    public abstract bool TryGetImage(long imageId, out int image);

    public abstract Quad? Region(int row);

    /// <summary>Raises <paramref name="best"/> (one entry per image, start at -infinity) to each image's best similarity.</summary>
    public abstract void ScanInto(ReadOnlySpan<float> query, Span<float> best, Span<int> bestRow);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
