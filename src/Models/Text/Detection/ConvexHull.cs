using Retrieval.Models.Geometry;

namespace Retrieval.Models.Text.Detection;

/// <summary>Andrew's monotone chain convex hull.</summary>
public static class ConvexHull
{
    /// <summary>
    /// Writes the hull of <paramref name="sorted"/> (which must be ordered by Y, then X) into
    /// <paramref name="hull"/> (at least <c>sorted.Length + 1</c> long) without collinear points and
    /// returns its vertex count.
    /// </summary>
    public static int Compute(ReadOnlySpan<PointF> sorted, Span<PointF> hull)
    {
        if (hull.Length < sorted.Length + 1)
        {
            throw new ArgumentException($"The hull buffer needs {sorted.Length + 1} points, it has {hull.Length}.", nameof(hull));
        }

        if (sorted.Length < 3)
        {
            var n = 0;
            foreach (var p in sorted)
            {
                if (n == 0 || hull[n - 1] != p)
                {
                    hull[n++] = p;
                }
            }

            return n;
        }

        var k = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            while (k >= 2 && Cross(hull[k - 2], hull[k - 1], sorted[i]) <= 0)
            {
                k--;
            }

            hull[k++] = sorted[i];
        }

        var lower = k + 1;
        for (var i = sorted.Length - 2; i >= 0; i--)
        {
            while (k >= lower && Cross(hull[k - 2], hull[k - 1], sorted[i]) <= 0)
            {
                k--;
            }

            hull[k++] = sorted[i];
        }

        // The last point repeats the first.
        return Math.Max(1, k - 1);
    }

    /// <summary>Sorts points by Y, then X, as <see cref="Compute"/> needs.</summary>
    public static void Sort(Span<PointF> points) =>
        points.Sort(static (a, b) => a.Y != b.Y ? a.Y.CompareTo(b.Y) : a.X.CompareTo(b.X));

    private static double Cross(PointF o, PointF a, PointF b) =>
        (((double)a.X - o.X) * ((double)b.Y - o.Y)) - (((double)a.Y - o.Y) * ((double)b.X - o.X));
}
