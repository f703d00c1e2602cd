using System.Diagnostics;
using System.Globalization;

namespace Retrieval.Bench.Serve;

/// <summary>Latencies and outcomes of one load phase.</summary>
internal sealed class LoadResult(string name, int clients)
{
    private readonly List<double> milliseconds = [];
    private readonly Dictionary<int, int> statuses = [];
    private int failures;

    public string Name => name;

    public int Clients => clients;

    public TimeSpan Elapsed { get; set; }

    /// <summary>CPU the server used during the phase, when the bench started the server.</summary>
    public TimeSpan? ServerProcessorTime { get; set; }

    /// <summary>CPU this process (the load generator) used during the phase: it shares the machine with the server.</summary>
    public double ClientProcessorMilliseconds { get; set; } = double.NaN;

    public int Count => milliseconds.Count;

    public void Add(double ms, int status)
    {
        lock (milliseconds)
        {
            milliseconds.Add(ms);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }
    }

    public void AddFailure() => Interlocked.Increment(ref failures);

    /// <summary>Nearest-rank percentile in milliseconds.</summary>
    public double Percentile(double p)
    {
        if (milliseconds.Count == 0)
        {
            return double.NaN;
        }

        var sorted = milliseconds.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public string Row()
    {
        var rate = Count / Math.Max(Elapsed.TotalSeconds, 1e-9);
        var codes = string.Join(" ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {Name} | {Clients} | {Count} | {Elapsed.TotalSeconds:0.0} | {rate:0.0} | {Percentile(50):0.0} | {Percentile(95):0.0} | {Percentile(99):0.0} | {(Count == 0 ? 0 : milliseconds.Max()):0.0} | {CpuPerRequest} | {ClientCpuPerRequest} | {codes}{(failures > 0 ? $" errors x{failures}" : string.Empty)} |");
    }

    public static string Header =>
        "| phase | clients | requests | seconds | req/s | p50 ms | p95 ms | p99 ms | max ms | server CPU ms/req | client CPU ms/req | statuses |\n|---|---|---|---|---|---|---|---|---|---|---|---|";

    private string CpuPerRequest => ServerProcessorTime is { } cpu && Count > 0
        ? (cpu.TotalMilliseconds / Count).ToString("0.00", CultureInfo.InvariantCulture)
        : "n/a";

    private string ClientCpuPerRequest => !double.IsNaN(ClientProcessorMilliseconds) && Count > 0
        ? (ClientProcessorMilliseconds / Count).ToString("0.00", CultureInfo.InvariantCulture)
        : "n/a";
}

/// <summary>
/// Runs GET requests from <c>clients</c> concurrent loops, each taking the next URL from a shared
/// source, until the source is exhausted, <c>maxRequests</c> were sent or <c>duration</c> passed.
/// A request that throws counts as an error (not a latency).
/// </summary>
internal static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(
        HttpClient client, string name, Func<int, string?> url, int clients, int maxRequests, TimeSpan duration, CancellationToken cancellationToken)
    {
        var result = new LoadResult(name, clients);
        var next = -1;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(duration);
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, clients).Select(_ => Task.Run(
            async () =>
            {
                while (!timeout.IsCancellationRequested)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= maxRequests || url(i) is not { } target)
                    {
                        return;
                    }

                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var response = await client.GetAsync(target, HttpCompletionOption.ResponseContentRead, timeout.Token);
                        await response.Content.ReadAsByteArrayAsync(timeout.Token);
                        result.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds, (int)response.StatusCode);
                    }
                    catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (HttpRequestException)
                    {
                        result.AddFailure();
                    }
                }
            },
            CancellationToken.None)).ToList();
        await Task.WhenAll(loops);
        result.Elapsed = clock.Elapsed;
        return result;
    }
}
