using System.Text.Json;
using System.Text.RegularExpressions;
using Retrieval.Indexer.Evaluation;
using Retrieval.Models.Imaging;
using Retrieval.Search.Evaluation.Reports;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>
/// <c>retrieval eval tsv ... --report DIR</c> end to end (real models, index, search, libvips): the
/// report records what makes the run repeatable and pictures the worst queries with the boxes the
/// searcher matched.
/// </summary>
public sealed class EvalReportTests
{
    [Fact]
    public async Task An_eval_report_records_the_run_and_pictures_the_worst_query_with_its_matched_boxes()
    {
        using var temp = new TempFolder("retrieval-eval-");
        var images = temp.Folder("images");
        foreach (var word in new[] { "HARBOR", "MEADOW", "LANTERN", "COPPER" })
        {
            WordImages.Save(Path.Combine(images, word.ToLowerInvariant() + ".jpg"), word);
        }

        // "meadow" is marked relevant only in lantern.jpg, so meadow.jpg (which shows it) comes first and counts as wrong.
        var tsv = Path.Combine(temp.Path, "queries.tsv");
        await File.WriteAllTextAsync(tsv, "harbor\tharbor.jpg\nmeadow\tlantern.jpg\ncopper\tcopper.jpg\n");
        var index = temp.Combine("index");
        var report = temp.Combine("report");
        string[] args = ["eval", "tsv", "--queries", tsv, "--images", images, "--index", index, "--report", report];

        var first = await CliProcess.RunAsync(args, TimeSpan.FromMinutes(3));

        first.ExitCode.Should().Be(0, first.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(report, "report.json")));
        var run = json.RootElement.GetProperty("run");
        var built = RunRecord.BuildCommit(typeof(RunRecord).Assembly);
        if (built is not null)
        {
            run.GetProperty("commit").GetString().Should().Be(built).And.MatchRegex("^[0-9a-f]{40}$");
        }

        run.GetProperty("modelHashes").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx", "ppocr_keys_v1.txt"]);
        run.GetProperty("modelHashes").EnumerateObject().Select(p => p.Value.GetString()).Should().OnlyContain(h => Regex.IsMatch(h!, "^[0-9a-f]{64}$"));
        var options = run.GetProperty("options");
        options.GetProperty("device").GetString().Should().Be("Cpu");
        options.GetProperty("decode.applyOrientation").GetString().Should().Be("false");
        options.GetProperty("search.top").GetString().Should().Be("4");
        options.GetProperty("index.schemaVersion").GetString().Should().MatchRegex("^[1-9][0-9]*$");
        JsonDocument.Parse(options.GetProperty("ocr.detector").GetString()!).RootElement.TryGetProperty("boxThreshold", out _).Should().BeTrue();
        run.GetProperty("commandLine").GetString().Should().Contain("eval tsv");
        run.GetProperty("machine").GetProperty("processorCount").GetInt32().Should().Be(Environment.ProcessorCount);
        json.RootElement.GetProperty("performance").GetProperty("indexedImages").GetInt32().Should().Be(4);

        var markdown = await File.ReadAllTextAsync(Path.Combine(report, "report.md"));
        markdown.Should().MatchRegex(@"\| \[[1-4] pictured\]\(worst/01-meadow\.jpg\) \|", "the worst query's table row links its strip");
        var captions = markdown.Split('\n').Single(l => l.StartsWith("#1 ✗ meadow.jpg", StringComparison.Ordinal));
        captions.Split(" · ")[0].Should().NotContain("no matched box");
        var strip = ImageDecoder.Decode(Path.Combine(report, "worst", "01-meadow.jpg"), new ImageDecodeOptions { MaxSide = 0 }).Image;
        MatchColoured(strip).Should().BeGreaterThan(50, "the searcher's box around MEADOW is outlined in the strip");

        // Again over the complete index: nothing is indexed, so no indexing speed is claimed.
        var second = await CliProcess.RunAsync(args, TimeSpan.FromMinutes(3));

        second.ExitCode.Should().Be(0, second.ToString());
        (await File.ReadAllTextAsync(Path.Combine(report, "report.md"))).Should().Contain("| indexing | not measured: the index was complete and reused");
        File.Exists(Path.Combine(report, "worst", "01-meadow.jpg")).Should().BeTrue();
    }

    /// <summary>Pixels close to the match colour (the rendered images are grey text on beige, so nothing else is orange).</summary>
    private static int MatchColoured(RgbImage image)
    {
        var match = ThumbnailColors.Match;
        var count = 0;
        for (var i = 0; i < image.Pixels.Length; i += 3)
        {
            if (Math.Abs(image.Pixels[i] - match.R) <= 45 && Math.Abs(image.Pixels[i + 1] - match.G) <= 45 && Math.Abs(image.Pixels[i + 2] - match.B) <= 45)
            {
                count++;
            }
        }

        return count;
    }
}
