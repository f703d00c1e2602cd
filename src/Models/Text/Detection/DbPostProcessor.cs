using System.Buffers;
using Retrieval.Models.Geometry;

namespace Retrieval.Models.Text.Detection;

/// <summary>
/// DB (Differentiable Binarization) post-processing, as PaddleOCR's DBPostProcess plus the filtering
/// and ordering of its text detector: binarize, connected components, minimum-area rectangle, score
/// against the map, unclip, map to image pixels, clip, order in reading order. Pure and thread-safe;
/// callers may re-run it on a kept <see cref="ProbabilityMap"/> with other thresholds.
/// </summary>
public static class DbPostProcessor
{
    public static IReadOnlyList<DetectedText> Process(ProbabilityMap map, int imageWidth, int imageHeight, DetectorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);

        var components = TextComponents.Find(map, options.BinarizationThreshold, options.UseDilation, cancellationToken);
        var boxes = new List<DetectedText>();
        var candidates = Math.Min(components.Count, options.MaxCandidates);
        var points = ArrayPool<PointF>.Shared.Rent(64);
        var hull = ArrayPool<PointF>.Shared.Rent(65);
        try
        {
            for (var c = 0; c < candidates; c++)
            {
                if ((c & 127) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var n = BoundaryPoints(components, c, ref points, out var area);
                if (area < (long)options.MinBoxSize * options.MinBoxSize)
                {
                    // The short side of any enclosing rectangle is at most the square root of the bounding box area.
                    continue;
                }

                if (hull.Length < n + 1)
                {
                    ArrayPool<PointF>.Shared.Return(hull);
                    hull = ArrayPool<PointF>.Shared.Rent(n + 1);
                }

                var hullCount = ConvexHull.Compute(points.AsSpan(0, n), hull);
                var box = RotatedBox.MinAreaRect(hull.AsSpan(0, hullCount));
                if (box.ShortSide < options.MinBoxSize)
                {
                    continue;
                }

                var score = options.ScoreMode == BoxScoreMode.Fast ? MeanInside(map, box.ToQuad()) : MeanOfComponent(map, components, c);
                if (score < options.BoxThreshold)
                {
                    continue;
                }

                var perimeter = box.Perimeter;
                var grown = box.Grow(perimeter > 0 ? box.Area * options.UnclipRatio / perimeter : 0);
                if (grown.ShortSide < options.MinBoxSize + 2)
                {
                    continue;
                }

                var quad = ToImage(grown.ToQuad(), map, imageWidth, imageHeight);
                if ((quad.TopRight - quad.TopLeft).Length <= options.MinBoxSize || (quad.BottomLeft - quad.TopLeft).Length <= options.MinBoxSize)
                {
                    continue;
                }

                boxes.Add(new DetectedText(quad, score));
            }
        }
        finally
        {
            ArrayPool<PointF>.Shared.Return(points);
            ArrayPool<PointF>.Shared.Return(hull);
        }

        return ReadingOrder.Sort(boxes);
    }

    /// <summary>
    /// The leftmost and rightmost pixel centre of each row of component <paramref name="c"/>, ordered
    /// by Y then X (the order <see cref="ConvexHull"/> wants); they span the same hull as the whole
    /// component. Also returns the area of the component's bounding box in pixel-centre units.
    /// </summary>
    private static int BoundaryPoints(TextComponents components, int c, ref PointF[] points, out long boundingArea)
    {
        int from = components.Start[c], to = components.Start[c + 1];
        if (points.Length < 2 * (to - from))
        {
            ArrayPool<PointF>.Shared.Return(points);
            points = ArrayPool<PointF>.Shared.Rent(2 * (to - from));
        }

        int n = 0, minX = int.MaxValue, maxX = int.MinValue;
        var minY = components.Y(components.Order[from]);
        var maxY = components.Y(components.Order[to - 1]);
        for (var i = from; i < to;)
        {
            var run = components.Order[i];
            var y = components.Y(run);
            var left = components.X0(run);
            var right = components.X1(run);
            for (i++; i < to && components.Y(components.Order[i]) == y; i++)
            {
                right = components.X1(components.Order[i]);
            }

            points[n++] = new PointF(left, y);
            if (right != left)
            {
                points[n++] = new PointF(right, y);
            }

            minX = Math.Min(minX, left);
            maxX = Math.Max(maxX, right);
        }

        boundingArea = (long)(maxX - minX) * (maxY - minY);
        return n;
    }

    /// <summary>PaddleOCR's fast score: mean of the map over pixel centres inside the quad, within its bounding rectangle.</summary>
    internal static float MeanInside(ProbabilityMap map, Quad quad)
    {
        var minY = Math.Clamp((int)MathF.Floor(quad.MinY), 0, map.Height - 1);
        var maxY = Math.Clamp((int)MathF.Ceiling(quad.MaxY), 0, map.Height - 1);
        var minX = Math.Clamp((int)MathF.Floor(quad.MinX), 0, map.Width - 1);
        var maxX = Math.Clamp((int)MathF.Ceiling(quad.MaxX), 0, map.Width - 1);
        double sum = 0;
        long count = 0;
        for (var y = minY; y <= maxY; y++)
        {
            if (!RowSpan(quad, y, out var left, out var right))
            {
                continue;
            }

            var x0 = Math.Max(minX, (int)MathF.Ceiling(left - 1e-3f));
            var x1 = Math.Min(maxX, (int)MathF.Floor(right + 1e-3f));
            var row = map.Row(y);
            for (var x = x0; x <= x1; x++)
            {
                sum += row[x];
            }

            count += Math.Max(0, x1 - x0 + 1);
        }

        return count == 0 ? 0f : (float)(sum / count);
    }

    /// <summary>The x-interval where the horizontal line at <paramref name="y"/> crosses a convex quad.</summary>
    private static bool RowSpan(Quad quad, float y, out float left, out float right)
    {
        left = float.PositiveInfinity;
        right = float.NegativeInfinity;
        for (var i = 0; i < 4; i++)
        {
            var a = quad[i];
            var b = quad[(i + 1) % 4];
            if ((y < a.Y && y < b.Y) || (y > a.Y && y > b.Y))
            {
                continue;
            }

            if (a.Y == b.Y)
            {
                left = MathF.Min(left, MathF.Min(a.X, b.X));
                right = MathF.Max(right, MathF.Max(a.X, b.X));
                continue;
            }

            var x = a.X + ((y - a.Y) * (b.X - a.X) / (b.Y - a.Y));
            left = MathF.Min(left, x);
            right = MathF.Max(right, x);
        }

        return left <= right;
    }

    /// <summary>PaddleOCR's slow score: mean of the map over the component's own pixels.</summary>
    private static float MeanOfComponent(ProbabilityMap map, TextComponents components, int c)
    {
        double sum = 0;
        long count = 0;
        for (var i = components.Start[c]; i < components.Start[c + 1]; i++)
        {
            var run = components.Order[i];
            var row = map.Row(components.Y(run));
            for (var x = components.X0(run); x <= components.X1(run); x++)
            {
                sum += row[x];
            }

            count += components.X1(run) - components.X0(run) + 1;
        }

        return (float)(sum / count);
    }

    private static Quad ToImage(Quad quad, ProbabilityMap map, int imageWidth, int imageHeight)
    {
        PointF Map(PointF p) => new(Math.Clamp(p.X * map.ScaleX, 0f, imageWidth), Math.Clamp(p.Y * map.ScaleY, 0f, imageHeight));
        return new Quad(Map(quad.TopLeft), Map(quad.TopRight), Map(quad.BottomRight), Map(quad.BottomLeft));
    }
}
