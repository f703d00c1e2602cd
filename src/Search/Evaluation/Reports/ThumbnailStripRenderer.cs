using System.Globalization;
using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;
using Retrieval.Search.Evaluation.Metrics;

namespace Retrieval.Search.Evaluation.Reports;

/// <summary>
/// Draws one query's top results side by side: each result's thumbnail (decoded at about cell size
/// by libvips' shrink-on-load, so a large photo costs little) with its matched boxes outlined in
/// <see cref="ThumbnailColors.Match"/>, framed in <see cref="ThumbnailColors.Relevant"/> or
/// <see cref="ThumbnailColors.NotRelevant"/>, above a caption with rank, a ✓/✗ mark (so relevance
/// does not rest on colour alone), file name and score. An image that cannot be decoded becomes a
/// crossed grey placeholder and its cell records why.
/// </summary>
internal static class ThumbnailStripRenderer
{
    private const int Margin = 8;
    private const int Gap = 8;
    private const int Frame = 6;
    private const int CaptionGap = 4;
    private const int CaptionHeight = 20;
    private const int CaptionCharacters = 24;
    private const string CaptionFont = "DejaVu Sans 12";
    private const float BoxLineWidth = 2f;

    private static readonly RgbColor Background = new(250, 250, 250);
    private static readonly RgbColor Placeholder = new(200, 200, 200);
    private static readonly RgbColor PlaceholderCross = new(120, 120, 120);
    private static readonly RgbColor Halo = new(25, 25, 25);

    /// <summary>The strip of <paramref name="query"/>'s first <see cref="ThumbnailStripOptions.ResultsPerQuery"/> results; it must have at least one.</summary>
    public static (RgbImage Image, IReadOnlyList<ThumbnailCell> Cells) Render(QueryEvaluation query, ThumbnailStripOptions options, CancellationToken cancellationToken)
    {
        var results = query.TopResults.Take(options.ResultsPerQuery).ToList();
        if (results.Count == 0)
        {
            throw new ArgumentException($"Query '{query.Query}' returned nothing, so there is nothing to picture.", nameof(query));
        }

        var thumbnails = new List<Thumbnail>(results.Count);
        foreach (var result in results)
        {
            cancellationToken.ThrowIfCancellationRequested();
            thumbnails.Add(Load(result, options));
        }

        var cellWidth = options.CellSize + (2 * Frame);
        var pictureHeight = thumbnails.Max(t => t.Image.Height);
        var width = (2 * Margin) + (results.Count * cellWidth) + ((results.Count - 1) * Gap);
        var height = Margin + pictureHeight + (2 * Frame) + CaptionGap + CaptionHeight + Margin;
        var strip = RgbImage.Filled(width, height, Background.R, Background.G, Background.B);
        var cells = new List<ThumbnailCell>(results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            var (result, thumbnail) = (results[i], thumbnails[i]);
            var left = Margin + (i * (cellWidth + Gap));
            var x = left + Frame + ((options.CellSize - thumbnail.Image.Width) / 2);
            var y = Margin + Frame;
            Fill(strip, x - Frame, y - Frame, thumbnail.Image.Width + (2 * Frame), thumbnail.Image.Height + (2 * Frame), result.IsRelevant ? ThumbnailColors.Relevant : ThumbnailColors.NotRelevant);
            Paste(strip, thumbnail.Image, x, y);
            Paste(strip, Caption(result, thumbnail.Failure is not null, cellWidth), left, Margin + pictureHeight + (2 * Frame) + CaptionGap);
            cells.Add(new ThumbnailCell(
                result.Rank, result.Image, result.Score, result.IsRelevant, x, y, thumbnail.Image.Width, thumbnail.Image.Height, thumbnail.ScaleX, thumbnail.ScaleY, thumbnail.BoxesDrawn, thumbnail.Failure));
        }

        return (strip, cells);
    }

    /// <summary>The result's thumbnail with its boxes drawn, or a placeholder saying it could not be read.</summary>
    private static Thumbnail Load(EvaluatedResult result, ThumbnailStripOptions options)
    {
        DecodedImage decoded;
        try
        {
            decoded = ImageDecoder.Decode(result.Image, new ImageDecodeOptions { ApplyOrientation = options.ApplyOrientation, MaxSide = options.CellSize });
        }
        catch (ImageDecodeException e)
        {
            return new Thumbnail(CrossedPlaceholder(options.CellSize, options.CellSize * 3 / 4), 0, 0, 0, e.Message);
        }

        // The boxes are in the pixels the index read: the stored image, or the upright one when turned.
        var image = decoded.Image;
        var swapped = decoded.OrientationApplied && decoded.Orientation >= 5;
        var sourceWidth = swapped ? decoded.SourceHeight : decoded.SourceWidth;
        var sourceHeight = swapped ? decoded.SourceWidth : decoded.SourceHeight;
        var scaleX = (double)image.Width / sourceWidth;
        var scaleY = (double)image.Height / sourceHeight;
        var outlines = result.Boxes
            .Where(b => b.Polygon.Count >= 2 && b.Polygon.All(p => float.IsFinite(p.X) && float.IsFinite(p.Y)))
            .Select(b => b.Polygon.Select(p => new PointF((float)(p.X * scaleX), (float)(p.Y * scaleY))).ToArray())
            .ToList();

        // A dark halo under every outline first, so an orange line shows on yellow signs and bright walls alike.
        foreach (var points in outlines)
        {
            image.DrawPolygon(points, Halo, BoxLineWidth + 2);
        }

        foreach (var points in outlines)
        {
            image.DrawPolygon(points, ThumbnailColors.Match, BoxLineWidth);
        }

        return new Thumbnail(image, scaleX, scaleY, outlines.Count, null);
    }

    private static RgbImage CrossedPlaceholder(int width, int height)
    {
        var image = RgbImage.Filled(width, height, Placeholder.R, Placeholder.G, Placeholder.B);
        image.DrawLine(new PointF(0, 0), new PointF(width - 1, height - 1), PlaceholderCross, 2f);
        image.DrawLine(new PointF(width - 1, 0), new PointF(0, height - 1), PlaceholderCross, 2f);
        return image;
    }

    private static RgbImage Caption(EvaluatedResult result, bool unreadable, int width)
    {
        var name = Path.GetFileName(result.Image);
        if (name.Length > CaptionCharacters)
        {
            name = string.Concat(name.AsSpan(0, CaptionCharacters - 1), "…");
        }

        var detail = unreadable ? "unreadable" : result.Score.ToString("0.###", CultureInfo.InvariantCulture);
        var text = $"#{result.Rank} {(result.IsRelevant ? "✓" : "✗")} {name} {detail}";
        return TextRenderer.Render(new SceneSpec(width, CaptionHeight, [new TextItem(text, 2, 2, CaptionFont)], SceneBackground.Plain, 1, Background.R, Background.G, Background.B));
    }

    private static void Fill(RgbImage target, int x, int y, int width, int height, RgbColor color)
    {
        for (var row = Math.Max(0, y); row < Math.Min(target.Height, y + height); row++)
        {
            for (var column = Math.Max(0, x); column < Math.Min(target.Width, x + width); column++)
            {
                var i = (row * target.Stride) + (column * 3);
                target.Pixels[i] = color.R;
                target.Pixels[i + 1] = color.G;
                target.Pixels[i + 2] = color.B;
            }
        }
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/> with its top-left at (x, y) (non-negative), clipped to the target.</summary>
    private static void Paste(RgbImage target, RgbImage source, int x, int y)
    {
        var rows = Math.Min(source.Height, target.Height - y);
        var columns = Math.Min(source.Width, target.Width - x);
        for (var row = 0; row < rows; row++)
        {
            source.Pixels.AsSpan(row * source.Stride, columns * 3).CopyTo(target.Pixels.AsSpan(((y + row) * target.Stride) + (x * 3)));
        }
    }

    private sealed record Thumbnail(RgbImage Image, double ScaleX, double ScaleY, int BoxesDrawn, string? Failure);
}
