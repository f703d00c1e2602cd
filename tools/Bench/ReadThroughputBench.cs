using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Retrieval.Indexer.Pipeline;
using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Datasets;
using Retrieval.Search.Evaluation.Detection;
using Retrieval.Search.Store;

namespace Retrieval.Bench;

/// <summary>
/// <c>read</c>: end-to-end reading throughput on dev photos through the real indexing pipeline
/// (decode, detect, recognize, write into a scratch index), the share of it spent inside ONNX
/// Runtime, CPU utilization, and the share of legible ground-truth words found in the readings;
/// then, in the same run on the same images, the Node peer @gutenye/ocr-node (same PP-OCRv4 models).
/// </summary>
internal sealed class ReadThroughputBench : IBenchCommand
{
    public string Name => "read";

    public string Description => "Images/s end to end vs the @gutenye/ocr-node peer, ONNX share, CPU use, words found (--data DIR [--limit N] [--no-peer] [--detect-workers N] [--recognize-workers N] [--decode-workers N] [--threads N])";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var options = Arguments(args);
        var data = options.GetValueOrDefault("--data") ?? Environment.GetEnvironmentVariable("RETRIEVAL_DEV_DATA") ?? "../shared/data/ic15-train";
        var limit = int.Parse(options.GetValueOrDefault("--limit") ?? "1000", CultureInfo.InvariantCulture);
        var images = Directory.GetFiles(Path.Combine(data, "images"), "*.jpg").OrderBy(NaturalKey).Take(limit).Select(Path.GetFullPath).ToList();
        var truth = Search.Evaluation.Datasets.IcdarGroundTruth.ReadDirectory(Path.Combine(data, "gt"), cancellationToken).ToDictionary(a => Path.GetFileNameWithoutExtension(a.ImageName), a => a.Words);
        Console.WriteLine($"{images.Count} images from {data}; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

        var indexing = new IndexingOptions
        {
            Decode = ImageDecodeOptions.Default with { ApplyOrientation = false },
            DecodeWorkers = Int(options, "--decode-workers", 1),
            DetectWorkers = Int(options, "--detect-workers", 1),
            RecognizeWorkers = Int(options, "--recognize-workers", 1),
            Ocr = new() { Onnx = new OnnxOptions { ThreadsPerSession = Int(options, "--threads", 0) } },
        };
        var scratch = Path.Combine(Path.GetTempPath(), "retrieval-bench-read-" + Environment.ProcessId);
        try
        {
            var ours = await RunOursAsync(images, indexing, scratch, truth, Path.Combine(data, "gt"), cancellationToken);
            Console.WriteLine(ours);
            if (!options.ContainsKey("--no-peer"))
            {
                Console.WriteLine(await RunPeerAsync(images, truth, cancellationToken));
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        return 0;
    }

    /// <summary>Word boxes against ground-truth words in the ICDAR2015 protocol, and how many matched words read right.</summary>
    private static (DetectionCounts Counts, int Read, int Matched) WordLevel(List<string> images, Dictionary<string, List<(Quad Quad, string Text)>> words, string gtDirectory)
    {
        var evaluator = new DetectionEvaluator();
        var counts = default(DetectionCounts);
        int read = 0, matched = 0;
        foreach (var image in images)
        {
            var key = Path.GetFileNameWithoutExtension(image);
            var gt = Search.Evaluation.Detection.IcdarGroundTruth.ReadFile(Path.Combine(gtDirectory, "gt_" + key + ".txt"));
            var found = words.GetValueOrDefault(key) ?? [];
            var result = evaluator.Evaluate(gt, found.Select(w => w.Quad).ToList());
            counts += result.Counts;
            foreach (var m in result.Matches)
            {
                matched++;
                read += string.Equals(gt[m.GroundTruthIndex].Transcription, found[m.DetectionIndex].Text, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
            }
        }

        return (counts, read, matched);
    }

    private static async Task<string> RunOursAsync(List<string> images, IndexingOptions options, string scratch, Dictionary<string, IReadOnlyList<AnnotatedWord>> truth, string gtDirectory, CancellationToken cancellationToken)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = scratch, Rebuild = true });
        var pipeline = new IndexingPipeline(store, options, NullLoggerFactory.Instance);
        InferenceClock.Reset();
        var cpuBefore = CpuClock.NowMilliseconds();
        var wall = Stopwatch.StartNew();
        var summary = await pipeline.RunAsync(images, cancellationToken);
        wall.Stop();
        var cpu = CpuClock.NowMilliseconds() - cpuBefore;

        var texts = new Dictionary<string, string>();
        var words = new Dictionary<string, List<(Quad Quad, string Text)>>();
        await foreach (var line in store.StreamLinesAsync(cancellationToken))
        {
            var key = Path.GetFileNameWithoutExtension(line.Image.Path);
            texts[key] = texts.GetValueOrDefault(key, string.Empty) + "\n" + line.Text;
            if (!words.TryGetValue(key, out var list))
            {
                words[key] = list = [];
            }

            list.AddRange(line.Words.Select(w => (w.Quad, w.Text)));
        }

        // The pipeline's own clock starts once the model sessions exist, like the peer's timing after its warm-up.
        var seconds = summary.Elapsed.TotalSeconds;
        var onnx = InferenceClock.Total.TotalSeconds;
        var (found, total) = WordsFound(images, texts, truth);
        var (counts, read, matched) = WordLevel(images, words, gtDirectory);
        return string.Create(CultureInfo.InvariantCulture,
            $"words (ICDAR2015 protocol on word boxes): P {counts.Precision:0.000} R {counts.Recall:0.000} Hmean {counts.Hmean:0.000}; " +
            $"end-to-end recognition of matched words (case-insensitive): {read}/{matched} = {100.0 * read / Math.Max(1, matched):0.0}%\n") +
            string.Create(CultureInfo.InvariantCulture,
            $"ours:  {summary.Indexed} images ({summary.Failed} failed) in {seconds:0.0} s = {summary.Indexed / seconds:0.00} images/s; " +
            $"inside ONNX Runtime {onnx:0.0} s summed over sessions ({InferenceClock.Runs} runs); " +
            $"CPU {cpu / 1000:0.0} s = {100 * cpu / 1000 / (wall.Elapsed.TotalSeconds * Environment.ProcessorCount):0}% of {Environment.ProcessorCount} cores over {wall.Elapsed.TotalSeconds:0.0} s wall; " +
            $"legible GT words found in readings: {found}/{total} = {100.0 * found / total:0.0}%");
    }

    private static async Task<string> RunPeerAsync(List<string> images, Dictionary<string, IReadOnlyList<AnnotatedWord>> truth, CancellationToken cancellationToken)
    {
        var install = Path.Combine(RepoRoot(), "tools", "peer", "install.sh");
        var peerDir = (await RunAsync("bash", [install], cancellationToken)).Trim().Split('\n')[^1];
        var list = Path.GetTempFileName();
        await File.WriteAllLinesAsync(list, images, cancellationToken);
        var cpuBefore = ChildCpuMilliseconds();
        var output = await RunAsync("node", [Path.Combine(peerDir, "read.mjs"), list], cancellationToken, peerDir);
        var cpu = ChildCpuMilliseconds() - cpuBefore;
        File.Delete(list);
        var texts = new Dictionary<string, string>();
        double totalMs = 0;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("total_ms", out var t))
            {
                totalMs = t.GetDouble();
                continue;
            }

            var key = Path.GetFileNameWithoutExtension(doc.RootElement.GetProperty("path").GetString()!);
            texts[key] = string.Join('\n', doc.RootElement.GetProperty("texts").EnumerateArray().Select(e => e.GetString()));
        }

        var (found, total) = WordsFound(images, texts, truth);
        return string.Create(CultureInfo.InvariantCulture,
            $"peer:  {texts.Count} images in {totalMs / 1000:0.0} s = {texts.Count / (totalMs / 1000):0.00} images/s; CPU {cpu / 1000:0.0} s (whole node process); " +
            $"legible GT words found in readings: {found}/{total} = {100.0 * found / total:0.0}%");
    }

    /// <summary>Legible ground-truth words (case-insensitive, surrounding punctuation trimmed) that occur in the image's readings.</summary>
    private static (int Found, int Total) WordsFound(List<string> images, Dictionary<string, string> texts, Dictionary<string, IReadOnlyList<AnnotatedWord>> truth)
    {
        int found = 0, total = 0;
        foreach (var image in images)
        {
            var key = Path.GetFileNameWithoutExtension(image);
            var text = texts.GetValueOrDefault(key, string.Empty).ToLowerInvariant();
            foreach (var word in truth.GetValueOrDefault("gt_" + key) ?? truth.GetValueOrDefault(key) ?? [])
            {
                if (word.IsIllegible)
                {
                    continue;
                }

                var w = word.Text.Trim().Trim('"', '\'', '.', ',', '!', '?', ':', ';', '(', ')').ToLowerInvariant();
                if (w.Length == 0)
                {
                    continue;
                }

                total++;
                found += text.Contains(w, StringComparison.Ordinal) ? 1 : 0;
            }
        }

        return (found, total);
    }

    private static double ChildCpuMilliseconds()
    {
        // CLOCK children totals from /proc/self/stat fields 16 and 17 (cutime, cstime), in clock ticks.
        var fields = File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static async Task<string> RunAsync(string file, string[] args, CancellationToken cancellationToken, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Retrieval.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the bench from inside the repository.");
    }

    private static string NaturalKey(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var digits = new string(name.Where(char.IsDigit).ToArray());
        return digits.PadLeft(8, '0') + name;
    }

    private static int Int(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static Dictionary<string, string> Arguments(IReadOnlyList<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                result[args[i]] = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            }
        }

        return result;
    }
}
