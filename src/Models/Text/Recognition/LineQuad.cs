using Retrieval.Models.Geometry;

namespace Retrieval.Models.Text.Recognition;

/// <summary>
/// Adjustments to a line quad before its crop is read. Turning a crop is relabelling the quad's
/// corners: the warp always maps the quad's top-left to the crop's top-left, so a quad with rotated
/// labels yields a rotated crop.
/// </summary>
public static class LineQuad
{
    /// <summary>PaddleOCR turns crops at least this many times taller than wide before reading them.</summary>
    public const float VerticalAspect = 1.5f;

    /// <summary>Whether the crop of <paramref name="quad"/> is tall enough to be read turned (height &gt;= 1.5 x width).</summary>
    public static bool IsVertical(Quad quad) => quad.Height >= VerticalAspect * quad.Width;

    /// <summary>The quad whose crop is this quad's crop turned 90 degrees counter-clockwise (numpy's rot90): its right edge becomes the top.</summary>
    public static Quad RotateCounterClockwise(Quad quad) => new(quad.TopRight, quad.BottomRight, quad.BottomLeft, quad.TopLeft);

    /// <summary>The quad whose crop is this quad's crop turned 180 degrees.</summary>
    public static Quad Rotate180(Quad quad) => new(quad.BottomRight, quad.BottomLeft, quad.TopLeft, quad.TopRight);

    /// <summary>
    /// Moves each edge of <paramref name="quad"/> outwards by <paramref name="fraction"/> of its height,
    /// along the quad's mean reading and cross directions.
    /// </summary>
    public static Quad Expand(Quad quad, float fraction)
    {
        if (fraction == 0f)
        {
            return quad;
        }

        var margin = quad.Height * fraction;
        var along = Unit(quad.TopRight - quad.TopLeft + (quad.BottomRight - quad.BottomLeft)) * margin;
        var across = Unit(quad.BottomLeft - quad.TopLeft + (quad.BottomRight - quad.TopRight)) * margin;
        return new Quad(quad.TopLeft - along - across, quad.TopRight + along - across, quad.BottomRight + along + across, quad.BottomLeft - along + across);
    }

    private static PointF Unit(PointF v) => v.Length == 0f ? v : v * (1f / v.Length);
}
