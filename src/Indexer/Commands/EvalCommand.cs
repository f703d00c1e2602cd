using System.CommandLine;
using Retrieval.Indexer.Cli;
using Retrieval.Indexer.Evaluation;
using Retrieval.Indexer.Pipeline;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text;
using Retrieval.Models.Text.Detection;
using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Datasets;

namespace Retrieval.Indexer.Commands;

/// <summary>
/// <c>retrieval eval FORMAT ...</c>: benchmarks in their original on-disk formats, run through the
/// same indexing and search path as everything else, scored as the literature does (mAP etc.).
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Measure retrieval quality on a benchmark in its original format (mAP, P@1, P@10, R@100, speed).");
        command.Subcommands.Add(Ic15());
        command.Subcommands.Add(Svt());
        command.Subcommands.Add(TotalText());
        command.Subcommands.Add(IiitStr());
        command.Subcommands.Add(Tsv());
        return command;
    }

    private static Command Ic15()
    {
        var images = Required("--images", "Folder of img_N.jpg files.");
        var gt = Required("--gt", "Folder of gt_img_N.txt files.");
        var sets = new Option<string>("--queries") { Description = "Query sets: top (the 100 words in most images), all (every word), phrases, or every (all three).", DefaultValueFactory = _ => "every" };
        var top = new Option<int>("--top-count") { Description = "Words kept by the top set.", DefaultValueFactory = _ => 100 };
        var common = new EvalOptions("ic15");
        var command = new Command("ic15", "ICDAR2015 (incidental scene text) as a retrieval benchmark, as TDSL and MSTAR define it.") { images, gt, sets, top };
        common.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var baseOptions = new Icdar2015Options(parse.GetRequiredValue(images), parse.GetRequiredValue(gt)) { TopCount = parse.GetValue(top) };
            var chosen = parse.GetRequiredValue(sets) switch
            {
                "top" => [WordQuerySet.TopWords],
                "all" => [WordQuerySet.AllWords],
                "phrases" => [WordQuerySet.Phrases],
                "every" => new[] { WordQuerySet.TopWords, WordQuerySet.AllWords, WordQuerySet.Phrases },
                var other => throw new ArgumentException($"--queries must be top, all, phrases or every (got '{other}')."),
            };
            var datasets = chosen.Select(s => Icdar2015Benchmark.Load(baseOptions with { QuerySet = s }, ct)).ToList();
            return EvaluationRunner.RunAsync(datasets, common.Settings(parse), ct);
        });
        return command;
    }

    private static Command Svt()
    {
        var xml = Required("--xml", "The split's XML file (e.g. test.xml).");
        var images = new Option<string?>("--images") { Description = "Folder the XML's image names are relative to (default: the XML's folder)." };
        var common = new EvalOptions("svt");
        var command = new Command("svt", "Street View Text: every unique lower-cased tag is a query.") { xml, images };
        common.AddTo(command);
        command.SetAction((parse, ct) => EvaluationRunner.RunAsync([SvtBenchmark.Load(new SvtOptions(parse.GetRequiredValue(xml), parse.GetValue(images)), ct)], common.Settings(parse), ct));
        return command;
    }

    private static Command TotalText()
    {
        var gt = Required("--gt", "Folder of ground-truth files (polygon text format or official poly_gt_imgN.txt).");
        var images = Required("--images", "Folder of images.");
        var all = new Option<bool>("--all-words") { Description = "Every word instead of the 60 found in most images." };
        var common = new EvalOptions("totaltext");
        var command = new Command("totaltext", "Total-Text, with queries as MSTAR defines them.") { gt, images, all };
        common.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var options = new TotalTextOptions(parse.GetRequiredValue(gt), parse.GetRequiredValue(images)) { QuerySet = parse.GetValue(all) ? WordQuerySet.AllWords : WordQuerySet.TopWords };
            return EvaluationRunner.RunAsync([TotalTextBenchmark.Load(options, ct)], common.Settings(parse), ct);
        });
        return command;
    }

    private static Command IiitStr()
    {
        var data = Required("--data", "Folder holding data.mat and imgDatabase/.");
        var common = new EvalOptions("iiit-str");
        var command = new Command("iiit-str", "IIIT Scene Text Retrieval: 50 queries over 10,000 images.") { data };
        common.AddTo(command);
        command.SetAction((parse, ct) => EvaluationRunner.RunAsync([IiitStrBenchmark.Load(new IiitStrOptions(parse.GetRequiredValue(data)), ct)], common.Settings(parse), ct));
        return command;
    }

    private static Command Tsv()
    {
        var queries = Required("--queries", "TSV file: query<TAB>relevant image names (relative to --images)...");
        var images = Required("--images", "Folder of images (searched recursively).");
        var common = new EvalOptions("tsv");
        var command = new Command("tsv", "Your own benchmark: a folder of images and a TSV of queries with their relevant images.") { queries, images };
        common.AddTo(command);
        command.SetAction((parse, ct) => EvaluationRunner.RunAsync([TsvBenchmark.Load(new TsvOptions(parse.GetRequiredValue(queries), parse.GetRequiredValue(images)), ct)], common.Settings(parse), ct));
        return command;
    }

    private static Option<string> Required(string name, string description) => new(name) { Description = description, Required = true };

    /// <summary>Options every benchmark takes.</summary>
    private sealed class EvalOptions(string name)
    {
        private readonly Option<string> index = new("--index") { Description = "Index folder for the gallery (reused when it is already complete).", DefaultValueFactory = _ => Path.Combine("index-data", "eval-" + name) };
        private readonly Option<string?> report = new("--report") { Description = "Write report.json, report.md and charts into this folder." };
        private readonly Option<bool> json = CommonOptions.Json();
        private readonly Option<bool> rebuild = new("--rebuild") { Description = "Re-index the gallery from scratch." };
        private readonly Option<bool> exhaustive = new("--exhaustive") { Description = "Score every line instead of n-gram candidates (slow; measures candidate recall)." };
        private readonly Option<ExecutionDevice> device = CommonOptions.Device();
        private readonly Option<DetectorPreset> detector = CommonOptions.Detector();
        private readonly Option<string?> models = CommonOptions.Models();
        private readonly Option<int> threads = CommonOptions.Threads();
        private readonly IndexingCommandOptions workers = IndexingCommandOptions.Create();
        private readonly EmbeddingCommandOptions embed = EmbeddingCommandOptions.Create();
        private readonly FusionCommandOptions fusion = FusionCommandOptions.Create();

        public void AddTo(Command command)
        {
            command.Options.Add(index);
            command.Options.Add(report);
            command.Options.Add(json);
            command.Options.Add(rebuild);
            command.Options.Add(exhaustive);
            command.Options.Add(device);
            command.Options.Add(detector);
            command.Options.Add(models);
            command.Options.Add(threads);
            workers.AddTo(command);
            embed.AddTo(command);
            fusion.AddTo(command);
        }

        public EvaluationSettings Settings(ParseResult parse)
        {
            var indexing = workers.Read(parse) with
            {
                Ocr = new OcrOptions { Onnx = new OnnxOptions { Device = parse.GetValue(device), ThreadsPerSession = parse.GetValue(threads) }, Detector = DetectorOptions.For(parse.GetValue(detector)) },
                // Benchmark ground truth is in stored pixels.
                Decode = ImageDecodeOptions.Default with { ApplyOrientation = false },
                ModelsDirectory = parse.GetValue(models),
                Rebuild = parse.GetValue(rebuild),
                Embedding = embed.Read(parse, parse.GetValue(device), parse.GetValue(threads)),
            };
            return new EvaluationSettings(
                parse.GetRequiredValue(index), indexing, parse.GetValue(report), parse.GetValue(json), parse.GetValue(exhaustive), Environment.CommandLine, fusion.Read(parse));
        }
    }
}
