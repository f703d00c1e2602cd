using Retrieval.Models.Geometry;

namespace Retrieval.Models.Text.Detection;

/// <summary>
/// A rotated rectangle: centre, unit <see cref="Axis"/>, extent <see cref="Length"/> along the axis
/// and <see cref="Breadth"/> across it. The DB post-processing works on these in map pixels.
/// </summary>
public readonly record struct RotatedBox(PointF Center, PointF Axis, float Length, float Breadth)
{
    public float ShortSide => MathF.Min(Length, Breadth);

    public float LongSide => MathF.Max(Length, Breadth);

    public float Area => Length * Breadth;

    public float Perimeter => 2f * (Length + Breadth);

    /// <summary>The rectangle moved outwards by <paramref name="distance"/> on every side.</summary>
    /// <remarks>
    /// DB's unclip offsets the box polygon with round joins (pyclipper) and takes the minimum-area
    /// rectangle of the result; for a rectangle that is exactly this grown rectangle, so no polygon
    /// offsetting is needed.
    /// </remarks>
    public RotatedBox Grow(float distance) => this with { Length = Length + (2f * distance), Breadth = Breadth + (2f * distance) };

    /// <summary>
    /// The corners clockwise from top-left (image coordinates, y down). The top edge runs along
    /// whichever side is nearer to horizontal, the longer side on a tie (45 degrees), left to right.
    /// </summary>
    public Quad ToQuad()
    {
        var perpendicular = new PointF(-Axis.Y, Axis.X);
        var axisHorizontalness = MathF.Abs(Axis.X);
        var perpendicularHorizontalness = MathF.Abs(perpendicular.X);
        const float Tie = 1e-4f;
        bool alongAxis = MathF.Abs(axisHorizontalness - perpendicularHorizontalness) <= Tie
            ? Length >= Breadth
            : axisHorizontalness > perpendicularHorizontalness;
        var (direction, along, across) = alongAxis ? (Axis, Length, Breadth) : (perpendicular, Breadth, Length);
        if (direction.X < 0 || (direction.X == 0 && direction.Y > 0))
        {
            direction = new PointF(-direction.X, -direction.Y);
        }

        // With y pointing down, (-dy, dx) is the downward normal of a left-to-right direction.
        var down = new PointF(-direction.Y, direction.X);
        var halfAlong = direction * (along / 2f);
        var halfAcross = down * (across / 2f);
        return new Quad(
            Center - halfAlong - halfAcross,
            Center + halfAlong - halfAcross,
            Center + halfAlong + halfAcross,
            Center - halfAlong + halfAcross);
    }

    /// <summary>
    /// The minimum-area enclosing rectangle of a convex polygon (rotating calipers: one side of the
    /// optimum lies on a hull edge). One point gives a zero-size box, two points a zero-breadth one.
    /// </summary>
    public static RotatedBox MinAreaRect(ReadOnlySpan<PointF> hull)
    {
        if (hull.IsEmpty)
        {
            throw new ArgumentException("A rectangle needs at least one point.", nameof(hull));
        }

        if (hull.Length == 1)
        {
            return new RotatedBox(hull[0], new PointF(1, 0), 0, 0);
        }

        var best = double.PositiveInfinity;
        RotatedBox result = default;
        for (var i = 0; i < hull.Length; i++)
        {
            var a = hull[i];
            var b = hull[(i + 1) % hull.Length];
            double ex = b.X - a.X, ey = b.Y - a.Y;
            var length = Math.Sqrt((ex * ex) + (ey * ey));
            if (length == 0)
            {
                continue;
            }

            ex /= length;
            ey /= length;
            double minU = double.PositiveInfinity, maxU = double.NegativeInfinity, minV = double.PositiveInfinity, maxV = double.NegativeInfinity;
            foreach (var p in hull)
            {
                var u = (p.X * ex) + (p.Y * ey);
                var v = (-p.X * ey) + (p.Y * ex);
                minU = Math.Min(minU, u);
                maxU = Math.Max(maxU, u);
                minV = Math.Min(minV, v);
                maxV = Math.Max(maxV, v);
            }

            var area = (maxU - minU) * (maxV - minV);
            if (area < best - 1e-9)
            {
                best = area;
                double cu = (minU + maxU) / 2, cv = (minV + maxV) / 2;
                var center = new PointF((float)((cu * ex) - (cv * ey)), (float)((cu * ey) + (cv * ex)));
                result = new RotatedBox(center, new PointF((float)ex, (float)ey), (float)(maxU - minU), (float)(maxV - minV));
            }
        }

        return double.IsPositiveInfinity(best) ? new RotatedBox(hull[0], new PointF(1, 0), 0, 0) : result;
    }
}
