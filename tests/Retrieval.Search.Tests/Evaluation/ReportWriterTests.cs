using System.Text.Json;
using System.Xml.Linq;
using Retrieval.Models.Geometry;
using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Metrics;
using Retrieval.Search.Evaluation.Reports;

namespace Retrieval.Search.Tests.Evaluation;

public sealed class ReportWriterTests
{
    [Fact]
    public async Task A_report_folder_holds_parseable_json_markdown_and_two_svg_charts()
    {
        using var temp = new TempFolder();
        var report = SampleReport(temp.Path);

        var files = await ReportWriter.WriteAsync(report, Path.Combine(temp.Path, "report"), CancellationToken.None);

        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(files.Json)))
        {
            var root = json.RootElement;
            root.GetProperty("formatVersion").GetInt32().Should().Be(1);
            root.GetProperty("dataset").GetString().Should().Be("sample");
            root.GetProperty("summary").GetProperty("meanAveragePrecision").GetDouble().Should().BeApproximately(report.Summary.MeanAveragePrecision, 1e-12);
            root.GetProperty("performance").GetProperty("imagesPerSecond").GetDouble().Should().Be(2);
            root.GetProperty("run").GetProperty("modelHashes").GetProperty("det.onnx").GetString().Should().Be("abc123");
            var queries = root.GetProperty("queries");
            queries.GetArrayLength().Should().Be(3);
            var first = queries[0];
            first.GetProperty("query").GetString().Should().Be("exit");
            first.GetProperty("kind").GetString().Should().Be("word");
            first.GetProperty("firstRelevantRank").GetInt32().Should().Be(2);
            first.TryGetProperty("curve", out _).Should().BeFalse();
            var top = first.GetProperty("topResults")[0];
            top.GetProperty("isRelevant").GetBoolean().Should().BeFalse();
            top.GetProperty("boxes")[0].GetProperty("polygon")[2].EnumerateArray().Select(v => v.GetSingle()).Should().Equal(30f, 40f);
            top.GetProperty("boxes")[0].GetProperty("text").GetString().Should().Be("ex1t");
        }

        var roundTrip = JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(files.Json), ReportWriter.JsonOptions);
        roundTrip.GetProperty("queries")[1].GetProperty("query").GetString().Should().Be("a|b <c> & \"d\"");

        var markdown = await File.ReadAllTextAsync(files.Markdown);
        markdown.Should().Contain("# Retrieval benchmark: sample")
            .And.Contain("| mAP | ")
            .And.Contain("| indexing | 2.00 images/s")
            .And.Contain("## The 3 worst queries")
            .And.Contain("a\\|b &lt;c> & \"d\"")
            .And.Contain("#1 img_1.jpg (0.9, read \"ex1t\")")
            .And.Contain("- model det.onnx: sha256 abc123");

        foreach (var svg in new[] { files.PrecisionRecallChart, files.AveragePrecisionHistogram })
        {
            var document = XDocument.Load(svg);
            document.Root!.Name.Should().Be(XName.Get("svg", "http://www.w3.org/2000/svg"));
            document.Descendants().Should().Contain(e => e.Name.LocalName == "text");
        }

        XDocument.Load(files.PrecisionRecallChart).Descendants().Should().ContainSingle(e => e.Name.LocalName == "polyline");
        XDocument.Load(files.AveragePrecisionHistogram).Descendants().Count(e => e.Name.LocalName == "rect").Should().Be(2 + SvgCharts.HistogramBins);
    }

    [Fact]
    public void The_worst_queries_come_lowest_ap_first()
    {
        using var temp = new TempFolder();

        var worst = SampleReport(temp.Path).WorstQueries(2);

        // AP: nothing 3/10, exit 1/2, "a|b..." 1/2 + (1/2)(2/10).
        worst.Select(q => q.Query).Should().Equal("nothing", "exit");
    }

    private static EvaluationReport SampleReport(string root)
    {
        string Image(int n) => Path.Combine(root, $"img_{n}.jpg");
        var gallery = Enumerable.Range(1, 10).Select(Image).ToList();
        var dataset = new BenchmarkDataset("sample", gallery, [
            new BenchmarkQuery("exit", new HashSet<string> { Image(2) }),
            new BenchmarkQuery("a|b <c> & \"d\"", new HashSet<string> { Image(3), Image(4) }) { Kind = BenchmarkQueryKind.Text },
            new BenchmarkQuery("nothing", new HashSet<string> { Image(5), Image(6), Image(7) }),
        ])
        {
            Warnings = ["1 image(s) have an extension that does not match their content"],
        };
        dataset.Validate();
        var evaluator = new RetrievalEvaluator(dataset);
        var box = MatchedBox.FromQuad(new Quad(new PointF(10, 20), new PointF(30, 20), new PointF(30, 40), new PointF(10, 40)), "ex1t", 0.7);
        var evaluations = new[]
        {
            evaluator.Evaluate(dataset.Queries[0], [new RankedResult(Image(1), 0.9) { Boxes = [box] }, new RankedResult(Image(2), 0.8)]),
            evaluator.Evaluate(dataset.Queries[1], RankedResult.FromOrder([Image(3), Image(1)])),
            evaluator.Evaluate(dataset.Queries[2], []),
        };
        var run = new RunInfo
        {
            Commit = "0123abc",
            ModelHashes = new Dictionary<string, string> { ["det.onnx"] = "abc123" },
            Options = new Dictionary<string, string> { ["--limit"] = "100" },
            CommandLine = "retrieval eval tsv --queries q.tsv",
        };
        return EvaluationReport.Create(dataset, evaluations, run, PerformanceSummary.From(10, TimeSpan.FromSeconds(5), [TimeSpan.FromMilliseconds(3)]));
    }
}
