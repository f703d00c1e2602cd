using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;

namespace Retrieval.Search.Evaluation.Reports;

/// <summary>How the report pictures the top results of its worst queries.</summary>
public sealed record ThumbnailStripOptions
{
    public static ThumbnailStripOptions Default { get; } = new();

    /// <summary>Results pictured per query, best first.</summary>
    public int ResultsPerQuery { get; init; } = 5;

    /// <summary>Each thumbnail fits a square of this many pixels; images are decoded at about that size (shrink-on-load).</summary>
    public int CellSize { get; init; } = 256;

    /// <summary>JPEG quality. From 90 up libvips keeps colour at full resolution, so thin coloured outlines keep their colour.</summary>
    public int Quality { get; init; } = 90;

    /// <summary>
    /// Turn images upright by their EXIF orientation. Must match how the index read them, because the
    /// matched boxes are in the index's pixels: benchmarks keep the stored pixels (false).
    /// </summary>
    public bool ApplyOrientation { get; init; }

    public void Validate()
    {
        var errors = new List<string>();
        if (ResultsPerQuery is < 1 or > 20)
        {
            errors.Add($"ResultsPerQuery must be 1..20 (got {ResultsPerQuery}).");
        }

        if (CellSize is < 32 or > 1024)
        {
            errors.Add($"CellSize must be 32..1024 pixels (got {CellSize}).");
        }

        if (Quality is < 1 or > 100)
        {
            errors.Add($"Quality must be 1..100 (got {Quality}).");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid thumbnail options: " + string.Join(" ", errors));
        }
    }
}

/// <summary>The colours of a strip; the match colour is the page's (--match in app.css).</summary>
public static class ThumbnailColors
{
    /// <summary>Frame of a result that is relevant to the query.</summary>
    public static RgbColor Relevant { get; } = RgbColor.Green;

    /// <summary>Frame of a result that is not.</summary>
    public static RgbColor NotRelevant { get; } = RgbColor.Red;

    /// <summary>Outline of a matched word box.</summary>
    public static RgbColor Match { get; } = new(255, 176, 0);
}

/// <summary>
/// One pictured result of a strip: where its thumbnail lies in the strip's pixels, how the result
/// image's pixels map onto it, how many matched boxes were drawn, and why it could not be shown
/// (<see cref="Failure"/>; the cell is then a grey placeholder).
/// </summary>
public sealed record ThumbnailCell(
    int Rank,
    string Image,
    double Score,
    bool IsRelevant,
    int X,
    int Y,
    int Width,
    int Height,
    double ScaleX,
    double ScaleY,
    int BoxesDrawn,
    string? Failure)
{
    /// <summary>A point of the result image (as indexed) in strip pixels.</summary>
    public PointF ToStrip(PointF point) => new((float)(X + (point.X * ScaleX)), (float)(Y + (point.Y * ScaleY)));
}

/// <summary>The JPEG strip of one worst query: its place in the worst list, its path relative to the report folder, and its cells.</summary>
public sealed record ThumbnailStrip(int Position, string Query, string RelativePath, int Width, int Height, IReadOnlyList<ThumbnailCell> Cells);
