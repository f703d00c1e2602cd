using Retrieval.Models.Geometry;

namespace Retrieval.Models.Text.Detection;

/// <summary>
/// The detector's per-pixel text probability at model-input resolution, row-major. Map pixel
/// (x, y) covers image point (x * <see cref="ScaleX"/>, y * <see cref="ScaleY"/>). Callers may keep
/// it (the CLIP path weights regions by it); it is never reused by the detector.
/// </summary>
public sealed class ProbabilityMap
{
    public ProbabilityMap(int width, int height, float[] data, float scaleX, float scaleY)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length < (long)width * height)
        {
            throw new ArgumentException($"A {width}x{height} map needs {(long)width * height} values, got {data.Length}.", nameof(data));
        }

        if (!(scaleX > 0f) || !(scaleY > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(scaleX), "Scales must be positive.");
        }

        Width = width;
        Height = height;
        Data = data;
        ScaleX = scaleX;
        ScaleY = scaleY;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Probabilities in 0..1, <see cref="Width"/> * <see cref="Height"/> values, row by row.</summary>
    public float[] Data { get; }

    /// <summary>Image pixels per map pixel, horizontally.</summary>
    public float ScaleX { get; }

    /// <summary>Image pixels per map pixel, vertically.</summary>
    public float ScaleY { get; }

    public float this[int x, int y] => Data[(y * Width) + x];

    public ReadOnlySpan<float> Row(int y) => Data.AsSpan(y * Width, Width);

    public PointF ToImage(PointF mapPoint) => new(mapPoint.X * ScaleX, mapPoint.Y * ScaleY);

    public PointF ToMap(PointF imagePoint) => new(imagePoint.X / ScaleX, imagePoint.Y / ScaleY);
}
