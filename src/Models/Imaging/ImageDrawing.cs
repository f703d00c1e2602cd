using Retrieval.Models.Geometry;

namespace Retrieval.Models.Imaging;

/// <summary>An 8-bit sRGB colour.</summary>
public readonly record struct RgbColor(byte R, byte G, byte B)
{
    public static RgbColor Red { get; } = new(230, 30, 30);

    public static RgbColor Green { get; } = new(20, 200, 60);

    public static RgbColor Blue { get; } = new(30, 90, 230);

    public static RgbColor Yellow { get; } = new(250, 210, 0);
}

/// <summary>
/// Outlines drawn into an <see cref="RgbImage"/> in place, for report thumbnails that show matched
/// boxes. Pure C#: integer coordinates are pixel centres, and a line is every pixel within half
/// the line width of the segment (round ends, so polygon corners join without gaps), clipped to
/// the image, no anti-aliasing. Odd widths are exact (a horizontal 3-pixel line covers 3 rows).
/// </summary>
public static class ImageDrawing
{
    /// <summary>Outlines <paramref name="quad"/>; coordinates are in this image's pixels (scale quads from the source image first).</summary>
    public static void DrawQuad(this RgbImage image, Quad quad, RgbColor color, float lineWidth = 2f)
    {
        ArgumentNullException.ThrowIfNull(image);
        image.DrawPolygon([quad.TopLeft, quad.TopRight, quad.BottomRight, quad.BottomLeft], color, lineWidth);
    }

    /// <summary>Outlines each quad in turn.</summary>
    public static void DrawQuads(this RgbImage image, IEnumerable<Quad> quads, RgbColor color, float lineWidth = 2f)
    {
        ArgumentNullException.ThrowIfNull(quads);
        foreach (var quad in quads)
        {
            image.DrawQuad(quad, color, lineWidth);
        }
    }

    /// <summary>Outlines a closed polygon through <paramref name="points"/> (the last point joins the first).</summary>
    public static void DrawPolygon(this RgbImage image, ReadOnlySpan<PointF> points, RgbColor color, float lineWidth = 2f)
    {
        ArgumentNullException.ThrowIfNull(image);
        for (var i = 0; i < points.Length; i++)
        {
            image.DrawLine(points[i], points[(i + 1) % points.Length], color, lineWidth);
        }
    }

    /// <summary>Draws a straight line <paramref name="lineWidth"/> pixels wide (at least 1) with round ends.</summary>
    public static void DrawLine(this RgbImage image, PointF from, PointF to, RgbColor color, float lineWidth = 2f)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!float.IsFinite(from.X) || !float.IsFinite(from.Y) || !float.IsFinite(to.X) || !float.IsFinite(to.Y))
        {
            throw new ArgumentException("Line end points must be finite numbers.", nameof(from));
        }

        if (!float.IsFinite(lineWidth) || lineWidth <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lineWidth), lineWidth, "The line width must be a positive number of pixels.");
        }

        // Half-width, at least half a pixel, so a 1-pixel line leaves no gaps at any angle.
        var radius = MathF.Max(lineWidth, 1f) / 2f;
        var radiusSquared = radius * radius;
        var minY = Math.Max(0, (int)MathF.Floor(MathF.Min(from.Y, to.Y) - radius));
        var maxY = Math.Min(image.Height - 1, (int)MathF.Ceiling(MathF.Max(from.Y, to.Y) + radius));
        var minX = Math.Max(0, (int)MathF.Floor(MathF.Min(from.X, to.X) - radius));
        var maxX = Math.Min(image.Width - 1, (int)MathF.Ceiling(MathF.Max(from.X, to.X) + radius));
        var dx = to.X - from.X;
        var dy = to.Y - from.Y;
        var lengthSquared = (dx * dx) + (dy * dy);
        var pixels = image.Pixels;
        for (var y = minY; y <= maxY; y++)
        {
            float cy = y;
            var (rowStart, rowEnd) = RowSpan(from, dx, dy, lengthSquared, radius, cy, minX, maxX);
            for (var x = rowStart; x <= rowEnd; x++)
            {
                float cx = x;
                var t = lengthSquared == 0 ? 0 : Math.Clamp((((cx - from.X) * dx) + ((cy - from.Y) * dy)) / lengthSquared, 0f, 1f);
                var ex = cx - (from.X + (t * dx));
                var ey = cy - (from.Y + (t * dy));
                if ((ex * ex) + (ey * ey) <= radiusSquared)
                {
                    var i = ((y * image.Width) + x) * 3;
                    pixels[i] = color.R;
                    pixels[i + 1] = color.G;
                    pixels[i + 2] = color.B;
                }
            }
        }
    }

    /// <summary>
    /// The columns of row centre <paramref name="cy"/> that can be within <paramref name="radius"/> of the
    /// segment: the infinite thick line's crossing of the row, so a long diagonal is not tested over its whole bounding box.
    /// </summary>
    private static (int Start, int End) RowSpan(PointF from, float dx, float dy, float lengthSquared, float radius, float cy, int minX, int maxX)
    {
        if (MathF.Abs(dy) < 1e-3f)
        {
            return (minX, maxX);
        }

        var centre = from.X + ((cy - from.Y) * dx / dy);
        var halfSpan = radius * MathF.Sqrt(lengthSquared) / MathF.Abs(dy);
        var start = Math.Max(minX, (int)MathF.Floor(centre - halfSpan - 1));
        var end = Math.Min(maxX, (int)MathF.Ceiling(centre + halfSpan + 1));
        return (start, end);
    }
}
