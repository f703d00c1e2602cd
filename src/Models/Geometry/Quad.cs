namespace Retrieval.Models.Geometry;

/// <summary>A point in image pixel coordinates.</summary>
public readonly record struct PointF(float X, float Y)
{
    public static PointF operator +(PointF a, PointF b) => new(a.X + b.X, a.Y + b.Y);

    public static PointF operator -(PointF a, PointF b) => new(a.X - b.X, a.Y - b.Y);

    public static PointF operator *(PointF a, float s) => new(a.X * s, a.Y * s);

    public float Length => MathF.Sqrt((X * X) + (Y * Y));

    public static PointF Lerp(PointF a, PointF b, float t) => new(a.X + ((b.X - a.X) * t), a.Y + ((b.Y - a.Y) * t));
}

/// <summary>
/// A quadrilateral, clockwise from top-left: <see cref="TopLeft"/>, <see cref="TopRight"/>,
/// <see cref="BottomRight"/>, <see cref="BottomLeft"/>. For a text line, top-left to top-right
/// runs along the reading direction.
/// </summary>
public readonly record struct Quad(PointF TopLeft, PointF TopRight, PointF BottomRight, PointF BottomLeft)
{
    public PointF this[int i] => i switch
    {
        0 => TopLeft,
        1 => TopRight,
        2 => BottomRight,
        3 => BottomLeft,
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    /// <summary>Length of the reading direction (mean of top and bottom edges).</summary>
    public float Width => ((TopRight - TopLeft).Length + (BottomRight - BottomLeft).Length) / 2f;

    /// <summary>Length across the reading direction (mean of left and right edges).</summary>
    public float Height => ((BottomLeft - TopLeft).Length + (BottomRight - TopRight).Length) / 2f;

    public float MinX => MathF.Min(MathF.Min(TopLeft.X, TopRight.X), MathF.Min(BottomRight.X, BottomLeft.X));

    public float MaxX => MathF.Max(MathF.Max(TopLeft.X, TopRight.X), MathF.Max(BottomRight.X, BottomLeft.X));

    public float MinY => MathF.Min(MathF.Min(TopLeft.Y, TopRight.Y), MathF.Min(BottomRight.Y, BottomLeft.Y));

    public float MaxY => MathF.Max(MathF.Max(TopLeft.Y, TopRight.Y), MathF.Max(BottomRight.Y, BottomLeft.Y));

    public PointF Center => new((TopLeft.X + TopRight.X + BottomRight.X + BottomLeft.X) / 4f, (TopLeft.Y + TopRight.Y + BottomRight.Y + BottomLeft.Y) / 4f);

    /// <summary>Signed shoelace area; positive for clockwise order in image coordinates (y down).</summary>
    public float Area
    {
        get
        {
            float s = 0;
            for (var i = 0; i < 4; i++)
            {
                var a = this[i];
                var b = this[(i + 1) % 4];
                s += (a.X * b.Y) - (b.X * a.Y);
            }

            return s / 2f;
        }
    }

    /// <summary>
    /// The part of this quad between fractions <paramref name="from"/> and <paramref name="to"/> of
    /// its reading direction (0 = left edge, 1 = right edge): used to cut word boxes out of a line.
    /// </summary>
    public Quad Slice(float from, float to)
    {
        from = Math.Clamp(from, 0f, 1f);
        to = Math.Clamp(to, from, 1f);
        return new Quad(
            PointF.Lerp(TopLeft, TopRight, from),
            PointF.Lerp(TopLeft, TopRight, to),
            PointF.Lerp(BottomLeft, BottomRight, to),
            PointF.Lerp(BottomLeft, BottomRight, from));
    }

    public Quad Scale(float sx, float sy) => new(
        new PointF(TopLeft.X * sx, TopLeft.Y * sy),
        new PointF(TopRight.X * sx, TopRight.Y * sy),
        new PointF(BottomRight.X * sx, BottomRight.Y * sy),
        new PointF(BottomLeft.X * sx, BottomLeft.Y * sy));

    public float[][] ToArray() =>
    [
        [TopLeft.X, TopLeft.Y], [TopRight.X, TopRight.Y], [BottomRight.X, BottomRight.Y], [BottomLeft.X, BottomLeft.Y],
    ];

    /// <summary>Orders four arbitrary corner points clockwise starting from the top-left one.</summary>
    public static Quad FromPoints(ReadOnlySpan<PointF> points)
    {
        if (points.Length != 4)
        {
            throw new ArgumentException("A quad needs exactly four points.", nameof(points));
        }

        // Sort by x: the two leftmost are the left edge; of each pair the upper one is the top.
        Span<PointF> p = stackalloc PointF[4];
        points.CopyTo(p);
        for (var i = 1; i < 4; i++)
        {
            for (var j = i; j > 0 && (p[j].X < p[j - 1].X || (p[j].X == p[j - 1].X && p[j].Y < p[j - 1].Y)); j--)
            {
                (p[j], p[j - 1]) = (p[j - 1], p[j]);
            }
        }

        var (tl, bl) = p[0].Y <= p[1].Y ? (p[0], p[1]) : (p[1], p[0]);
        var (tr, br) = p[2].Y <= p[3].Y ? (p[2], p[3]) : (p[3], p[2]);
        return new Quad(tl, tr, br, bl);
    }
}
