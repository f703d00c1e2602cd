using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;
using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Metrics;
using Retrieval.Search.Evaluation.Reports;

namespace Retrieval.Search.Tests.Evaluation;

/// <summary>
/// The report's pictures of the worst queries: real JPEGs rendered with libvips' text renderer, real
/// shrink-on-load decoding, the strip read back as pixels. The checks look at the colours where the
/// matched boxes and frames must be, so a strip without boxes or frames fails.
/// </summary>
public sealed class WorstQueryThumbnailTests
{
    private const int SceneWidth = 640;
    private const int SceneHeight = 360;

    [Fact]
    public async Task A_worst_query_gets_a_strip_of_its_top_results_with_matched_boxes_outlined_and_relevance_framed()
    {
        using var temp = new TempFolder();
        var exit = Scene(temp, "exit.jpg", "EXIT", orientation: 6);
        var open = Scene(temp, "open.jpg", "OPEN");
        var plain = Scene(temp, "plain.jpg", "NOTHING");
        var missing = Path.Combine(temp.Path, "missing.jpg");
        var dataset = new BenchmarkDataset("thumbs", [exit.Path, open.Path, plain.Path, missing], [
            new BenchmarkQuery("exit", new HashSet<string> { exit.Path }),
            new BenchmarkQuery("nothing at all", new HashSet<string> { plain.Path }),
        ]);
        dataset.Validate();
        var evaluator = new RetrievalEvaluator(dataset);
        var evaluations = new[]
        {
            // exit: a wrong image first (its own word boxed), then the right one, then one without a box, then an unreadable file.
            evaluator.Evaluate(dataset.Queries[0], [
                new RankedResult(open.Path, 0.9) { Boxes = [MatchedBox.FromQuad(open.Box, "open")] },
                new RankedResult(exit.Path, 0.8) { Boxes = [MatchedBox.FromQuad(exit.Box, "exit")] },
                new RankedResult(plain.Path, 0.3),
                new RankedResult(missing, 0.1),
            ]),
            evaluator.Evaluate(dataset.Queries[1], []),
        };
        var report = EvaluationReport.Create(dataset, evaluations, new RunInfo(), performance: null);

        var files = await ReportWriter.WriteAsync(report, Path.Combine(temp.Path, "report"), CancellationToken.None);

        var strip = files.WorstThumbnails.Should().ContainSingle("a query that returned nothing has nothing to picture").Subject;
        strip.Position.Should().Be(2, "'nothing at all' (found nothing) is the worst query, 'exit' (AP 1/2) the second");
        strip.RelativePath.Should().Be("worst/02-exit.jpg");
        var markdown = await File.ReadAllTextAsync(files.Markdown);
        markdown.Should().Contain("(worst/02-exit.jpg)").And.Contain("## Top results of the worst queries").And.Contain("#4 ✗ missing.jpg 0.1 (not shown:");

        var pixels = ImageDecoder.Decode(Path.Combine(temp.Path, "report", strip.RelativePath), new ImageDecodeOptions { MaxSide = 0 }).Image;
        (pixels.Width, pixels.Height).Should().Be((strip.Width, strip.Height));
        strip.Cells.Select(c => (c.Rank, c.IsRelevant)).Should().Equal((1, false), (2, true), (3, false), (4, false));
        var (first, second, third, fourth) = (strip.Cells[0], strip.Cells[1], strip.Cells[2], strip.Cells[3]);

        // Shrunk on load to the cell size, in stored pixels (the EXIF orientation of exit.jpg is not applied, as benchmarks index).
        (second.Width, second.Height).Should().Be((256, 144));
        second.ScaleX.Should().BeApproximately(256.0 / SceneWidth, 1e-9);

        foreach (var (cell, box) in new[] { (first, open.Box), (second, exit.Box) })
        {
            cell.BoxesDrawn.Should().Be(1);
            foreach (var edge in EdgeMiddles(box))
            {
                var at = cell.ToStrip(edge);
                Orange(pixels, at).Should().BeTrue($"the matched box of {Path.GetFileName(cell.Image)} is outlined at {at} (found {Describe(pixels, at)})");
            }
        }

        third.BoxesDrawn.Should().Be(0);
        foreach (var edge in EdgeMiddles(open.Box))
        {
            Orange(pixels, third.ToStrip(edge)).Should().BeFalse("a result without a matched box gets no outline");
        }

        fourth.Failure.Should().Contain("missing.jpg").And.Contain("not found");
        Colour(pixels, second.X - 3, second.Y + (second.Height / 2)).Should().Match<RgbColor>(c => Near(c, ThumbnailColors.Relevant), "a relevant result is framed green");
        foreach (var cell in new[] { first, third, fourth })
        {
            Colour(pixels, cell.X - 3, cell.Y + (cell.Height / 2)).Should().Match<RgbColor>(c => Near(c, ThumbnailColors.NotRelevant), "a result that is not relevant is framed red");
        }
    }

    [Fact]
    public void Strip_names_are_the_place_in_the_worst_list_and_the_query_in_lower_case_ascii()
    {
        WorstQueryThumbnails.FileName(1, "Exit").Should().Be("01-exit.jpg");
        WorstQueryThumbnails.FileName(12, "(us1,57").Should().Be("12-us1-57.jpg");
        WorstQueryThumbnails.FileName(3, "emergency  exit!").Should().Be("03-emergency-exit.jpg");
        WorstQueryThumbnails.FileName(4, "東京").Should().Be("04-query.jpg");
        WorstQueryThumbnails.FileName(5, new string('a', 100)).Should().Be("05-" + new string('a', 40) + ".jpg");
    }

    [Fact]
    public void Writing_again_replaces_the_previous_strips_and_leaves_other_files_alone()
    {
        using var temp = new TempFolder();
        var exit = Scene(temp, "exit.jpg", "EXIT");
        var dataset = new BenchmarkDataset("rerun", [exit.Path], [
            new BenchmarkQuery("exit", new HashSet<string> { exit.Path }),
            new BenchmarkQuery("entry", new HashSet<string> { exit.Path }),
        ]);
        var evaluator = new RetrievalEvaluator(dataset);
        var exitQuery = evaluator.Evaluate(dataset.Queries[0], [new RankedResult(exit.Path, 0.5)]);
        var entryQuery = evaluator.Evaluate(dataset.Queries[1], [new RankedResult(exit.Path, 0.5)]);
        var report = Path.Combine(temp.Path, "report");
        WorstQueryThumbnails.Write([exitQuery], report, ThumbnailStripOptions.Default, CancellationToken.None);
        File.WriteAllText(Path.Combine(report, "worst", "notes.txt"), "mine");
        File.WriteAllBytes(Path.Combine(report, "worst", "my-photo.jpg"), [1, 2, 3]);

        var strips = WorstQueryThumbnails.Write([entryQuery], report, ThumbnailStripOptions.Default with { CellSize = 64 }, CancellationToken.None);

        strips.Select(s => s.RelativePath).Should().Equal("worst/01-entry.jpg");
        Directory.EnumerateFiles(Path.Combine(report, "worst")).Select(Path.GetFileName).Should().BeEquivalentTo(["01-entry.jpg", "notes.txt", "my-photo.jpg"]);
        ImageProbe.Probe(Path.Combine(report, "worst", "01-entry.jpg")).Width.Should().Be(strips[0].Width);
        strips[0].Cells[0].Width.Should().Be(64);
    }

    private static (string Path, Quad Box) Scene(TempFolder temp, string name, string word, int? orientation = null)
    {
        var rendered = TextRenderer.RenderWithBoxes(new SceneSpec(SceneWidth, SceneHeight, [new TextItem(word, 150, 120, "DejaVu Sans Bold 56")], SceneBackground.Gradient));
        var path = Path.Combine(temp.Path, name);
        ImageEncoder.Save(rendered.Image, path, orientation);
        return (path, rendered.TextBoxes[0]);
    }

    private static IEnumerable<PointF> EdgeMiddles(Quad q) =>
    [
        PointF.Lerp(q.TopLeft, q.TopRight, 0.5f),
        PointF.Lerp(q.TopRight, q.BottomRight, 0.5f),
        PointF.Lerp(q.BottomRight, q.BottomLeft, 0.5f),
        PointF.Lerp(q.BottomLeft, q.TopLeft, 0.5f),
    ];

    /// <summary>Whether a pixel within one of <paramref name="at"/> has the match colour (JPEG moves colours a little).</summary>
    private static bool Orange(RgbImage image, PointF at)
    {
        var (cx, cy) = ((int)MathF.Round(at.X), (int)MathF.Round(at.Y));
        for (var y = cy - 1; y <= cy + 1; y++)
        {
            for (var x = cx - 1; x <= cx + 1; x++)
            {
                if (Near(Colour(image, x, y), ThumbnailColors.Match))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Near(RgbColor a, RgbColor b) => Math.Abs(a.R - b.R) <= 45 && Math.Abs(a.G - b.G) <= 45 && Math.Abs(a.B - b.B) <= 45;

    private static RgbColor Colour(RgbImage image, int x, int y)
    {
        var i = (y * image.Stride) + (x * 3);
        return new RgbColor(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }

    private static string Describe(RgbImage image, PointF at) => Colour(image, (int)MathF.Round(at.X), (int)MathF.Round(at.Y)).ToString();
}
