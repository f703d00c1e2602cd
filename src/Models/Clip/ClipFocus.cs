using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;

namespace Retrieval.Models.Clip;

/// <summary>How text regions are chosen and cropped for CLIP (the "Focus" of FDP).</summary>
public sealed record ClipFocusOptions
{
    /// <summary>Context kept around a region on every side, in multiples of its text height.</summary>
    public double Context { get; init; } = 0.5;

    /// <summary>Merge nearby lines (a sign's two lines, a label's text block) into one region; off embeds every line alone.</summary>
    public bool GroupLines { get; init; } = true;

    /// <summary>Two lines are near when the gap between their boxes is at most this many text heights (the smaller of the two).</summary>
    public double GroupGap { get; init; } = 0.6;

    /// <summary>Most lines in one group: a larger group crops so wide that its text shrinks below what CLIP can see.</summary>
    public int MaxLinesPerGroup { get; init; } = 4;

    /// <summary>Most regions embedded per image; when there are more, those with the tallest text are kept.</summary>
    public int MaxRegions { get; init; } = 16;

    public void Validate()
    {
        var errors = new List<string>();
        if (Context is < 0 or > 10 || double.IsNaN(Context))
        {
            errors.Add($"Context must be 0..10 text heights (got {Context}).");
        }

        if (GroupGap is < 0 or > 10 || double.IsNaN(GroupGap))
        {
            errors.Add($"GroupGap must be 0..10 text heights (got {GroupGap}).");
        }

        if (MaxLinesPerGroup is < 1 or > 64)
        {
            errors.Add($"MaxLinesPerGroup must be 1..64 (got {MaxLinesPerGroup}).");
        }

        if (MaxRegions is < 0 or > 1024)
        {
            errors.Add($"MaxRegions must be 0..1024 (got {MaxRegions}).");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid CLIP focus options: " + string.Join(" ", errors));
        }
    }
}

/// <summary>
/// One text region to embed: <see cref="Text"/> is the axis-aligned box of its line(s), <see cref="Left"/>,
/// <see cref="Top"/> and <see cref="Side"/> the square crop around it (which may reach past the image; the outside is padded).
/// </summary>
public readonly record struct FocusRegion(Quad Text, int Lines, int Left, int Top, int Side);

/// <summary>
/// Focus: text is small in a CLIP input, and resizing a whole photo to 224 pixels (let alone center-cropping it) wipes
/// it out. So besides the whole image (padded to a square, see <see cref="ClipResizeMode.Longest"/>) each text region
/// is embedded from a square crop around it, with some context, that the encoder then scales to the model's input
/// size. Nearby lines are grouped so a two-line sign is one region. Pure geometry plus a pixel copy; thread-safe.
/// </summary>
public static class ClipFocus
{
    /// <summary>The regions to embed for text lines <paramref name="lines"/> of an image of the given size (same coordinates), tallest text first.</summary>
    public static IReadOnlyList<FocusRegion> Plan(IReadOnlyList<Quad> lines, int width, int height, ClipFocusOptions options)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // A tilted line's axis-aligned box is taller than its text; the quad's own height is the text size.
        var boxes = lines
            .Select(q => (Box: Box(q), TextHeight: Math.Max(1f, Math.Min(q.Height, q.MaxY - q.MinY))))
            .Where(b => b.Box.Width >= 1 && b.Box.Height >= 1)
            .ToList();
        var groups = options.GroupLines ? Group(boxes, options) : boxes.Select(b => (b.Box, Lines: 1, b.TextHeight)).ToList();
        return groups
            .OrderByDescending(g => g.TextHeight)
            .ThenBy(g => g.Box.Top)
            .ThenBy(g => g.Box.Left)
            .Take(options.MaxRegions)
            .Select(g => Square(g.Box, g.Lines, g.TextHeight, width, height, options.Context))
            .ToList();
    }

    /// <summary>The square crop of <paramref name="region"/>; the part outside the image is filled with <paramref name="fill"/> (grey level).</summary>
    public static RgbImage Crop(RgbImage image, FocusRegion region, byte fill = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        var side = region.Side;
        var result = RgbImage.Filled(side, side, fill, fill, fill);
        var x0 = Math.Max(0, region.Left);
        var y0 = Math.Max(0, region.Top);
        var x1 = Math.Min(image.Width, region.Left + side);
        var y1 = Math.Min(image.Height, region.Top + side);
        if (x1 <= x0 || y1 <= y0)
        {
            return result;
        }

        for (var y = y0; y < y1; y++)
        {
            image.Pixels.AsSpan((y * image.Stride) + (x0 * 3), (x1 - x0) * 3)
                .CopyTo(result.Pixels.AsSpan(((y - region.Top) * result.Stride) + ((x0 - region.Left) * 3)));
        }

        return result;
    }

    private static Rect Box(Quad quad) => new(quad.MinX, quad.MinY, quad.MaxX, quad.MaxY);

    /// <summary>
    /// Greedy single-link grouping in reading order: a line joins the first group with a member near it (gap within
    /// <see cref="ClipFocusOptions.GroupGap"/> text heights on both axes, text heights within a factor of two), while
    /// the group has room. Lines of very different sizes stay apart: a title and its fine print are different regions.
    /// </summary>
    private static List<(Rect Box, int Lines, float TextHeight)> Group(List<(Rect Box, float TextHeight)> lines, ClipFocusOptions options)
    {
        var groups = new List<(List<(Rect Box, float TextHeight)> Members, Rect Box)>();
        foreach (var line in lines.OrderBy(b => b.Box.Top).ThenBy(b => b.Box.Left))
        {
            var joined = false;
            for (var g = 0; g < groups.Count && !joined; g++)
            {
                var (members, union) = groups[g];
                if (members.Count >= options.MaxLinesPerGroup || !members.Any(m => Near(m, line, options.GroupGap)))
                {
                    continue;
                }

                members.Add(line);
                groups[g] = (members, union.Union(line.Box));
                joined = true;
            }

            if (!joined)
            {
                groups.Add(([line], line.Box));
            }
        }

        return groups.Select(g => (g.Box, g.Members.Count, g.Members.Min(m => m.TextHeight))).ToList();
    }

    private static bool Near((Rect Box, float TextHeight) first, (Rect Box, float TextHeight) second, double gap)
    {
        var (a, b) = (first.Box, second.Box);
        var height = Math.Min(first.TextHeight, second.TextHeight);
        if (Math.Max(first.TextHeight, second.TextHeight) > 2 * height)
        {
            return false;
        }

        var dx = Math.Max(0, Math.Max(a.Left, b.Left) - Math.Min(a.Right, b.Right));
        var dy = Math.Max(0, Math.Max(a.Top, b.Top) - Math.Min(a.Bottom, b.Bottom));
        return dx <= gap * height && dy <= gap * height;
    }

    /// <summary>A square around the box with <paramref name="context"/> text heights of margin, shifted inside the image where it fits.</summary>
    private static FocusRegion Square(Rect box, int lines, float textHeight, int width, int height, double context)
    {
        var margin = context * textHeight;
        var side = (int)Math.Ceiling(Math.Max(box.Width, box.Height) + (2 * margin));
        side = Math.Max(side, 1);
        var left = (int)Math.Floor(((box.Left + box.Right) / 2) - (side / 2.0));
        var top = (int)Math.Floor(((box.Top + box.Bottom) / 2) - (side / 2.0));
        left = Fit(left, side, width);
        top = Fit(top, side, height);
        var quad = new Quad(new PointF(box.Left, box.Top), new PointF(box.Right, box.Top), new PointF(box.Right, box.Bottom), new PointF(box.Left, box.Bottom));
        return new FocusRegion(quad, lines, left, top, side);
    }

    /// <summary>Moves a span of <paramref name="side"/> starting at <paramref name="start"/> inside [0, limit) when it fits; centers it when it does not.</summary>
    private static int Fit(int start, int side, int limit) =>
        side >= limit ? (limit - side) / 2 : Math.Clamp(start, 0, limit - side);

    private readonly record struct Rect(float Left, float Top, float Right, float Bottom)
    {
        public float Width => Right - Left;

        public float Height => Bottom - Top;

        public Rect Union(Rect other) => new(Math.Min(Left, other.Left), Math.Min(Top, other.Top), Math.Max(Right, other.Right), Math.Max(Bottom, other.Bottom));
    }
}
