using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Retrieval.Bench.Store;

/// <summary>
/// Real indexing with N worker processes: for each N a fresh PostgreSQL database, the first
/// <c>--count</c> photos of a folder enqueued with <c>retrieval index --store DB --enqueue-only</c>, then N
/// processes of <c>retrieval index --store DB --worker</c> (real models, default pipeline options) started
/// together and waited for. Reports wall time and images/s over all workers, each worker's own images/s
/// and database time per image (its summary line), the workers' CPU (getrusage of the children) and the
/// server's CPU. A first run on an empty queue measures what one worker process costs before its first
/// image (runtime start, model load), so CPU per image can be given without it.
/// </summary>
public sealed partial class StoreWorkersBench : IBenchCommand
{
    private const string Usage = "store-workers --server \"Host=..;Port=..;Username=..\" --images DIR [--count 40] [--workers 1,2,4] [--worker-args \"--detect-workers 1\"]";

    public string Name => "store-workers";

    public string Description => "Real-model indexing with N `retrieval index --worker` processes on one PostgreSQL queue.";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var parsed = new BenchArgs(args, Usage);
        var server = parsed.Text("server", string.Empty);
        var folder = parsed.Text("images", string.Empty);
        if (server.Length == 0 || folder.Length == 0)
        {
            throw new ArgumentException($"Give --server and --images. Usage: {Usage}");
        }

        var count = parsed.Int("count", 40);
        var extra = parsed.Text("worker-args", string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var images = Directory.GetFiles(folder, "*.jpg")
            .OrderBy(p => int.TryParse(new string(Path.GetFileNameWithoutExtension(p).Where(char.IsDigit).ToArray()), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue)
            .ThenBy(p => p, StringComparer.Ordinal)
            .Take(count)
            .ToList();
        var serverCpu = await ServerCpuClock.OpenAsync(server, cancellationToken);
        await using var databases = new BenchDatabases(server);

        // One worker on an empty queue: the fixed cost of a worker process (runtime, model sessions).
        var idle = await RunRoundAsync(await databases.CreateAsync("bench_workers"), [], 1, extra, serverCpu, cancellationToken);
        var startupMs = idle.WorkerCpuMs;
        Console.WriteLine(Invariant($"{images.Count} photos from {folder}; one worker process on an empty queue costs {startupMs / 1000:0.0} s CPU (runtime start, model load); load average before: {Machine.LoadAverage()}"));
        Console.WriteLine("| workers | images | wall s | images/s (all) | images/s per worker | database ms/image | workers CPU s | CPU s/image (without start-up) | server CPU ms/image | load average |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var workers in parsed.Ints("workers", "1,2,4"))
        {
            var round = await RunRoundAsync(await databases.CreateAsync("bench_workers"), images, workers, extra, serverCpu, cancellationToken);
            var indexed = round.Summaries.Sum(s => s.Images);
            Console.WriteLine(Invariant(
                $"| {workers} | {indexed} | {round.Wall.TotalSeconds:0.0} | {indexed / round.Wall.TotalSeconds:0.00} | {round.Summaries.Average(s => s.ImagesPerSecond):0.00} | {round.Summaries.Sum(s => s.DatabaseMs * s.Images) / Math.Max(1, indexed):0.0} | {round.WorkerCpuMs / 1000:0.0} | {(round.WorkerCpuMs - (workers * startupMs)) / 1000 / Math.Max(1, indexed):0.00} | {round.ServerCpuMs / Math.Max(1, indexed):0.0} | {Machine.LoadAverage()} |"));
            if (indexed != images.Count)
            {
                Console.WriteLine(Invariant($"  expected {images.Count} images indexed, the workers report {indexed}"));
            }
        }

        return 0;
    }

    private static async Task<Round> RunRoundAsync(string database, IReadOnlyList<string> images, int workers, string[] extra, ServerCpuClock serverCpu, CancellationToken cancellationToken)
    {
        if (images.Count > 0)
        {
            var (code, output) = await RunRetrievalAsync(["index", "--store", database, "--enqueue-only", .. images], cancellationToken);
            if (code != 0)
            {
                throw new InvalidOperationException($"retrieval index --enqueue-only exited with {code}: {output}");
            }
        }

        var cpu = ChildrenCpuMilliseconds();
        var server = serverCpu.NowMilliseconds();
        var clock = Stopwatch.StartNew();
        var runs = Enumerable.Range(1, workers)
            .Select(w => RunRetrievalAsync(["index", "--store", database, "--worker", "--worker-id", $"w{w}", .. extra], cancellationToken))
            .ToList();
        var results = await Task.WhenAll(runs);
        clock.Stop();
        var summaries = new List<WorkerSummary>();
        foreach (var (code, output) in results)
        {
            var match = SummaryLine().Match(output);
            if (code != 0 || !match.Success)
            {
                throw new InvalidOperationException($"retrieval index --worker exited with {code}: {output}");
            }

            summaries.Add(new WorkerSummary(
                long.Parse(match.Groups["images"].Value, CultureInfo.InvariantCulture),
                double.Parse(match.Groups["rate"].Value, CultureInfo.InvariantCulture),
                double.Parse(match.Groups["db"].Value, CultureInfo.InvariantCulture)));
        }

        return new Round(clock.Elapsed, summaries, ChildrenCpuMilliseconds() - cpu, serverCpu.NowMilliseconds() - server);
    }

    private static async Task<(int Code, string Output)> RunRetrievalAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "retrieval.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start retrieval.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>CPU of every child process that has exited and been waited for (getrusage RUSAGE_CHILDREN), ms.</summary>
    private static double ChildrenCpuMilliseconds()
    {
        var usage = new long[18];
        if (!OperatingSystem.IsLinux() || getrusage(RusageChildren, usage) != 0)
        {
            return double.NaN;
        }

        // struct rusage starts with ru_utime and ru_stime, each { long tv_sec; long tv_usec; }.
        return ((usage[0] + usage[2]) * 1000.0) + ((usage[1] + usage[3]) / 1000.0);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"indexed (?<images>\d+) images .* (?<rate>[\d.]+) images/s, (?<db>[\d.]+) ms database time per image")]
    private static partial Regex SummaryLine();

    private const int RusageChildren = -1;

    [DllImport("libc")]
    private static extern int getrusage(int who, [Out] long[] usage);

    private sealed record WorkerSummary(long Images, double ImagesPerSecond, double DatabaseMs);

    private sealed record Round(TimeSpan Wall, IReadOnlyList<WorkerSummary> Summaries, double WorkerCpuMs, double ServerCpuMs);
}
