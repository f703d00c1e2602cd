using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text.Detection;
using Retrieval.Search.Evaluation.Detection;

namespace Retrieval.Bench;

/// <summary>
/// Detection quality and speed on an ICDAR2015-layout folder: P/R/Hmean (ICDAR2015 protocol),
/// recall by word height, images/s, and time per image split into decode, preprocessing, model and
/// post-processing. See <see cref="DetectArguments.Usage"/>.
/// </summary>
internal sealed partial class DetectCommand : IBenchCommand
{
    // Ground-truth word heights (image pixels) that recall is broken down by: small text is where OCR search fails.
    private static readonly float[] HeightEdges = [12f, 20f, 32f];

    public string Name => "detect";

    public string Description => "Text detection P/R/Hmean and speed on ICDAR2015-style data (detect --data DIR ...)";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        DetectArguments parsed;
        try
        {
            parsed = DetectArguments.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return Task.FromResult(2);
        }

        var images = ListImages(parsed);
        if (images.Count == 0)
        {
            Console.Error.WriteLine($"No images/img_N.jpg with gt/gt_img_N.txt under {parsed.DataDirectory}.");
            return Task.FromResult(2);
        }

        Run(parsed, images, cancellationToken);
        return Task.FromResult(0);
    }

    private static List<(string Image, string GroundTruth)> ListImages(DetectArguments args)
    {
        var folder = Path.Combine(args.DataDirectory, "images");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var list = Directory.EnumerateFiles(folder, "img_*.jpg")
            .Select(path => (Path: path, Number: int.Parse(ImageNumber().Match(Path.GetFileName(path)).Groups[1].Value, CultureInfo.InvariantCulture)))
            .OrderBy(p => p.Number)
            .Select(p => (p.Path, Path.Combine(args.DataDirectory, "gt", $"gt_img_{p.Number}.txt")))
            .Where(p => File.Exists(p.Item2))
            .Where((_, i) => i % args.Every == 0)
            .ToList();
        return args.Limit > 0 ? list.Take(args.Limit).ToList() : list;
    }

    private static void Run(DetectArguments args, List<(string Image, string GroundTruth)> images, CancellationToken cancellationToken)
    {
        var variants = args.PostProcessingVariants().ToList();
        var tallies = variants.Select(_ => new Tally()).ToList();
        var decodeOptions = ImageDecodeOptions.Default with { ApplyOrientation = false };
        var evaluator = new DetectionEvaluator();
        using var detector = new TextDetector(TextDetector.DefaultModelPath, variants[0], new OnnxOptions { ThreadsPerSession = args.Threads });

        // Warm-up (session initialisation, JIT) is not timed.
        detector.Detect(ImageDecoder.Decode(images[0].Image, decodeOptions).Image, cancellationToken);

        TimeSpan decode = default, preprocess = default, model = default, detectCpu = default;
        var process = Process.GetCurrentProcess();
        var wall = Stopwatch.StartNew();
        foreach (var (imagePath, gtPath) in images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            var image = ImageDecoder.Decode(imagePath, decodeOptions).Image;
            decode += Stopwatch.GetElapsedTime(start);
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var result = detector.Detect(image, cancellationToken);
            process.Refresh();
            detectCpu += process.TotalProcessorTime - cpuBefore;
            preprocess += result.Timings.Preprocess;
            model += result.Timings.Model;
            var groundTruth = IcdarGroundTruth.ReadFile(gtPath);
            for (var v = 0; v < variants.Count; v++)
            {
                var boxes = result.Boxes;
                var post = result.Timings.Postprocess;
                if (v > 0)
                {
                    var t = Stopwatch.GetTimestamp();
                    boxes = DbPostProcessor.Process(result.Map, image.Width, image.Height, variants[v], cancellationToken);
                    post = Stopwatch.GetElapsedTime(t);
                }

                tallies[v].Add(groundTruth, evaluator.Evaluate(groundTruth, boxes.Select(b => b.Quad).ToList()), post);
            }
        }

        wall.Stop();
        var n = images.Count;
        var m = args.Model;
        Console.WriteLine(FormattableString.Invariant(
            $"# detect: {n} images from {args.DataDirectory} (every {args.Every}), limit {m.LimitType} {m.LimitSideLength}, max-side {m.MaxSideLimit}, tile {m.TileSize}/{m.TileOverlap}, threads {ModelSession.ThreadsFor(new OnnxOptions { ThreadsPerSession = args.Threads }, 1)}"));
        Console.WriteLine(FormattableString.Invariant(
            $"# per image: decode {decode.TotalMilliseconds / n:F1} ms, preprocess {preprocess.TotalMilliseconds / n:F1} ms, model {model.TotalMilliseconds / n:F1} ms, post {tallies[0].Post.TotalMilliseconds / n:F2} ms; detect CPU {detectCpu.TotalMilliseconds / n:F1} ms; {n / wall.Elapsed.TotalSeconds:F2} images/s (decode + detect + scoring)"));
        Console.WriteLine("thresh box  unclip dilate score   |  P      R      Hmean  | matched gt    det   | R<12  R12-20 R20-32 R>=32 | coverage R  P      | post ms");
        for (var v = 0; v < variants.Count; v++)
        {
            var o = variants[v];
            var t = tallies[v];
            var c = t.Counts;
            Console.WriteLine(FormattableString.Invariant(
                $"{o.BinarizationThreshold,-6:0.##} {o.BoxThreshold,-4:0.##} {o.UnclipRatio,-6:0.##} {(o.UseDilation ? "on" : "off"),-6} {o.ScoreMode.ToString().ToLowerInvariant(),-7} | {c.Precision:F4} {c.Recall:F4} {c.Hmean:F4} | {c.Matched,-7} {c.CareGroundTruth,-5} {c.CareDetections,-5} | {t.BucketRecall(0):F3} {t.BucketRecall(1),-6:F3} {t.BucketRecall(2),-6:F3} {t.BucketRecall(3),-5:F3} | {c.CoverageRecall,10:F4} {c.CoveragePrecision:F4} | {t.Post.TotalMilliseconds / n:F2}"));
        }
    }

    [GeneratedRegex(@"^img_(\d+)\.jpg$")]
    private static partial Regex ImageNumber();

    /// <summary>Counts of one post-processing variant over all images.</summary>
    private sealed class Tally
    {
        private readonly int[] bucketCare = new int[HeightEdges.Length + 1];
        private readonly int[] bucketMatched = new int[HeightEdges.Length + 1];

        public DetectionCounts Counts { get; private set; }

        public TimeSpan Post { get; private set; }

        public void Add(IReadOnlyList<GroundTruthWord> groundTruth, ImageDetectionEvaluation evaluation, TimeSpan post)
        {
            Counts += evaluation.Counts;
            Post += post;
            var matched = evaluation.Matches.Select(x => x.GroundTruthIndex).ToHashSet();
            for (var g = 0; g < groundTruth.Count; g++)
            {
                if (groundTruth[g].IsDontCare)
                {
                    continue;
                }

                var bucket = Bucket(groundTruth[g].Quad.Height);
                bucketCare[bucket]++;
                if (matched.Contains(g))
                {
                    bucketMatched[bucket]++;
                }
            }
        }

        public double BucketRecall(int bucket) => bucketCare[bucket] == 0 ? 0 : (double)bucketMatched[bucket] / bucketCare[bucket];

        private static int Bucket(float height)
        {
            var b = 0;
            while (b < HeightEdges.Length && height >= HeightEdges[b])
            {
                b++;
            }

            return b;
        }
    }
}
