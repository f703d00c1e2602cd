using System.Diagnostics;
using System.Globalization;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text;
using Retrieval.Models.Text.Recognition;

namespace Retrieval.Bench;

/// <summary>
/// Recognition alone on ICDAR2015: reads every legible ground-truth quad (so detection errors do not
/// count) and reports word accuracy (case-insensitive exact), time per line, and lattice size and
/// retained probability mass. <c>--sweep</c> repeats the run for several lattice top-k / min-prob
/// settings to show their size/mass trade-off.
/// </summary>
public sealed class RecognizeBench : IBenchCommand
{
    public string Name => "recognize";

    public string Description => "Recognizer on ICDAR2015 GT quads: --data DIR [--limit 300] [--classifier] [--min-batch-width 320] [--batch 8] [--max-padding 0.25] [--topk 4] [--min-prob 0.002] [--sweep] [--errors] [--margin F] [--pad PX] [--no-space-recovery]";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        string? data = null;
        var limit = 300;
        var sweep = false;
        var showErrors = false;
        var options = new RecognizerOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--data": data = Next(); break;
                case "--limit": limit = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--classifier": options = options with { UseDirectionClassifier = true }; break;
                case "--min-batch-width": options = options with { MinBatchWidth = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--pad": options = options with { TrailingPadding = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--max-padding": options = options with { MaxBatchPadding = float.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--batch": options = options with { BatchSize = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--topk": options = options with { LatticeTopK = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--min-prob": options = options with { LatticeMinProbability = float.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--sweep": sweep = true; break;
                case "--errors": showErrors = true; break;
                case "--margin": options = options with { CropMargin = float.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--no-space-recovery": options = options with { RecoverSpaces = false }; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. {Description}");
            }
        }

        data ??= Environment.GetEnvironmentVariable("RETRIEVAL_DEV_DATA") ?? throw new ArgumentException("--data DIR (or RETRIEVAL_DEV_DATA) is required.");
        var images = LoadImages(data, limit, cancellationToken);
        Console.WriteLine($"{images.Count} images, {images.Sum(i => i.Words.Count)} legible words, {Environment.ProcessorCount} cores");
        if (!sweep)
        {
            Report(Measure(images, options, cancellationToken, showErrors), options);
            return Task.FromResult(0);
        }

        Console.WriteLine("topk  min-prob  bytes/line  entries/step  residual-mass  best-path=greedy");
        foreach (var k in new[] { 1, 2, 3, 4, 6, 8 })
        {
            foreach (var p in new[] { 0.02f, 0.005f, 0.002f, 0.0005f })
            {
                var r = Measure(images, options with { LatticeTopK = k, LatticeMinProbability = p }, cancellationToken);
                Console.WriteLine($"{k,4}  {p,8}  {r.MeanBytes,10:F0}  {r.EntriesPerStep,12:F2}  {r.MeanResidual,13:E2}  {r.BestPathAgreement,16:P1}");
            }
        }

        return Task.FromResult(0);
    }

    private static List<(RgbImage Image, IReadOnlyList<Icdar15Word> Words)> LoadImages(string data, int limit, CancellationToken cancellationToken)
    {
        var result = new List<(RgbImage, IReadOnlyList<Icdar15Word>)>();
        var decode = new ImageDecodeOptions { ApplyOrientation = false, MaxSide = 0 };
        foreach (var (path, words) in Icdar15Words.Load(data, limit))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var legible = words.Where(w => w.IsLegible).ToList();
            if (legible.Count > 0)
            {
                result.Add((ImageDecoder.Decode(path, decode).Image, legible));
            }
        }

        return result;
    }

    private static Result Measure(List<(RgbImage Image, IReadOnlyList<Icdar15Word> Words)> images, RecognizerOptions options, CancellationToken cancellationToken, bool showErrors = false)
    {
        using var recognizer = new TextRecognizer(RecognizerModelFiles.Default, options, new OnnxOptions());

        // Warm-up: the first runs pay for allocation and kernel selection.
        recognizer.Recognize(images[0].Image, [.. images[0].Words.Select(w => w.Quad)], cancellationToken);
        var r = new Result();
        var watch = new Stopwatch();
        using var process = Process.GetCurrentProcess();
        var cpu = TimeSpan.Zero;
        foreach (var (image, words) in images)
        {
            var quads = words.Select(w => w.Quad).ToList();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            watch.Start();
            var lines = recognizer.Recognize(image, quads, cancellationToken);
            watch.Stop();
            process.Refresh();
            cpu += process.TotalProcessorTime - cpuBefore;
            for (var i = 0; i < lines.Count; i++)
            {
                if (!r.Add(lines[i], words[i].Text) && showErrors)
                {
                    Console.WriteLine($"  read '{lines[i].Text}' ({lines[i].Confidence:F2}) for '{words[i].Text}'");
                }
            }
        }

        r.Seconds = watch.Elapsed.TotalSeconds;
        r.CpuSeconds = cpu.TotalSeconds;
        return r;
    }

    private static void Report(Result r, RecognizerOptions o)
    {
        Console.WriteLine($"options: {o}");
        Console.WriteLine($"word accuracy (case-insensitive exact): {r.Correct}/{r.Lines} = {(double)r.Correct / r.Lines:P2}");
        Console.WriteLine($"word accuracy (case-sensitive exact):   {r.CorrectCase}/{r.Lines} = {(double)r.CorrectCase / r.Lines:P2}");
        Console.WriteLine($"time: {r.Seconds * 1000 / r.Lines:F2} ms/line ({r.Lines / r.Seconds:F1} lines/s), {r.Seconds:F1} s in Recognize; process CPU {r.CpuSeconds * 1000 / r.Lines:F2} ms/line (all threads; the honest figure on a busy machine)");
        Console.WriteLine($"lattice: {r.MeanBytes:F0} bytes/line (p50 {r.Percentile(0.5)}, p95 {r.Percentile(0.95)}), {r.Steps / (double)r.Lines:F1} steps/line, {r.EntriesPerStep:F2} entries/step, mean residual mass {r.MeanResidual:E2}, BestPath = folded greedy {r.BestPathAgreement:P1}");
    }

    private sealed class Result
    {
        private readonly List<int> bytes = [];
        private int bestPathAgrees;
        private long entries;
        private double residual;

        public int Lines { get; private set; }

        public int Correct { get; private set; }

        public int CorrectCase { get; private set; }

        public long Steps { get; private set; }

        public double Seconds { get; set; }

        public double CpuSeconds { get; set; }

        public double MeanBytes => bytes.Count == 0 ? 0 : bytes.Average();

        public double EntriesPerStep => Steps == 0 ? 0 : (double)entries / Steps;

        public double MeanResidual => Steps == 0 ? 0 : residual / Steps;

        public double BestPathAgreement => Lines == 0 ? 0 : (double)bestPathAgrees / Lines;

        public int Percentile(double q)
        {
            var sorted = bytes.Order().ToList();
            return sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, q * sorted.Count)];
        }

        /// <summary>Counts one line; true when it was read right (case-insensitive).</summary>
        public bool Add(RecognizedLine line, string truth)
        {
            Lines++;
            var read = line.Text.Trim();
            var correct = string.Equals(read, truth.Trim(), StringComparison.OrdinalIgnoreCase);
            Correct += correct ? 1 : 0;
            CorrectCase += string.Equals(read, truth.Trim(), StringComparison.Ordinal) ? 1 : 0;
            var lattice = line.Lattice;
            bytes.Add(LatticeCodec.Encode(lattice).Length);
            Steps += lattice.Steps;
            entries += lattice.EntryCount;
            for (var t = 0; t < lattice.Steps; t++)
            {
                residual += lattice.Residual(t);
            }

            bestPathAgrees += lattice.BestPath().Trim(' ') == Folding.Fold(line.Text, TextFolding.Default) ? 1 : 0;
            return correct;
        }
    }
}
