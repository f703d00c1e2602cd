using Retrieval.Models.Geometry;

namespace Retrieval.Search.Evaluation.Detection;

/// <summary>
/// Areas and overlaps of simple polygons for detection scoring. Intersections use
/// Sutherland–Hodgman clipping, which is exact when the clipping polygon is convex; when neither
/// polygon is convex (rare: a few ground-truth quads are drawn concave) the convex hull of the
/// clipping polygon stands in for it.
/// </summary>
public static class PolygonClipping
{
    /// <summary>Unsigned shoelace area.</summary>
    public static double Area(ReadOnlySpan<PointF> polygon) => Math.Abs(SignedArea(polygon));

    public static double Area(Quad quad) => Area(Corners(quad));

    public static double IntersectionArea(Quad a, Quad b) => IntersectionArea(Corners(a), Corners(b));

    public static double IntersectionArea(ReadOnlySpan<PointF> subject, ReadOnlySpan<PointF> clip)
    {
        if (subject.Length < 3 || clip.Length < 3)
        {
            return 0;
        }

        if (!IsConvex(clip))
        {
            if (IsConvex(subject))
            {
                var swap = subject;
                subject = clip;
                clip = swap;
            }
            else
            {
                clip = Hull(clip);
            }
        }

        return Area(Clip(subject, clip));
    }

    /// <summary>Intersection over union; 0 when both areas are 0.</summary>
    public static double IntersectionOverUnion(Quad a, Quad b)
    {
        var inter = IntersectionArea(a, b);
        var union = Area(a) + Area(b) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /// <summary>True for convex polygons in either orientation (collinear vertices allowed).</summary>
    public static bool IsConvex(ReadOnlySpan<PointF> polygon)
    {
        int positive = 0, negative = 0;
        for (var i = 0; i < polygon.Length; i++)
        {
            var cross = Cross(polygon[i], polygon[(i + 1) % polygon.Length], polygon[(i + 2) % polygon.Length]);
            if (cross > 1e-9)
            {
                positive++;
            }
            else if (cross < -1e-9)
            {
                negative++;
            }
        }

        return positive == 0 || negative == 0;
    }

    /// <summary>Sutherland–Hodgman: the part of <paramref name="subject"/> inside the convex <paramref name="clip"/>.</summary>
    public static PointF[] Clip(ReadOnlySpan<PointF> subject, ReadOnlySpan<PointF> clip)
    {
        // Inside is the left of each clip edge for counter-clockwise (positive area) polygons; flip for the other orientation.
        var orientation = SignedArea(clip) >= 0 ? 1.0 : -1.0;
        var output = new List<PointF>(subject.ToArray());
        for (var i = 0; i < clip.Length && output.Count > 0; i++)
        {
            var a = clip[i];
            var b = clip[(i + 1) % clip.Length];
            var input = output.ToArray();
            output.Clear();
            for (var j = 0; j < input.Length; j++)
            {
                var current = input[j];
                var previous = input[(j + input.Length - 1) % input.Length];
                var currentInside = orientation * Cross(a, b, current) >= 0;
                var previousInside = orientation * Cross(a, b, previous) >= 0;
                if (currentInside)
                {
                    if (!previousInside)
                    {
                        output.Add(Intersect(previous, current, a, b));
                    }

                    output.Add(current);
                }
                else if (previousInside)
                {
                    output.Add(Intersect(previous, current, a, b));
                }
            }
        }

        return [.. output];
    }

    private static PointF[] Corners(Quad q) => [q.TopLeft, q.TopRight, q.BottomRight, q.BottomLeft];

    private static double SignedArea(ReadOnlySpan<PointF> polygon)
    {
        double s = 0;
        for (var i = 0; i < polygon.Length; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % polygon.Length];
            s += ((double)a.X * b.Y) - ((double)b.X * a.Y);
        }

        return s / 2;
    }

    /// <summary>z of (b - o) x (c - o).</summary>
    private static double Cross(PointF o, PointF b, PointF c) =>
        (((double)b.X - o.X) * ((double)c.Y - o.Y)) - (((double)b.Y - o.Y) * ((double)c.X - o.X));

    /// <summary>Where segment p-q crosses the infinite line through a-b.</summary>
    private static PointF Intersect(PointF p, PointF q, PointF a, PointF b)
    {
        var cp = Cross(a, b, p);
        var cq = Cross(a, b, q);
        var t = cp / (cp - cq);
        return new PointF((float)(p.X + (t * (q.X - p.X))), (float)(p.Y + (t * (q.Y - p.Y))));
    }

    private static PointF[] Hull(ReadOnlySpan<PointF> polygon)
    {
        var points = polygon.ToArray();
        Array.Sort(points, static (a, b) => a.X != b.X ? a.X.CompareTo(b.X) : a.Y.CompareTo(b.Y));
        var hull = new PointF[points.Length + 1];
        var k = 0;
        for (var i = 0; i < points.Length; i++)
        {
            while (k >= 2 && Cross(hull[k - 2], hull[k - 1], points[i]) <= 0)
            {
                k--;
            }

            hull[k++] = points[i];
        }

        var lower = k + 1;
        for (var i = points.Length - 2; i >= 0; i--)
        {
            while (k >= lower && Cross(hull[k - 2], hull[k - 1], points[i]) <= 0)
            {
                k--;
            }

            hull[k++] = points[i];
        }

        return hull[..Math.Max(1, k - 1)];
    }
}
