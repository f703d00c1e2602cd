using System.Diagnostics;
using Retrieval.Search;
using Retrieval.Search.Query;

namespace Retrieval.Bench.Query;

/// <summary>One timed query: wall and process CPU time, how many lines were scored, and the stage timings.</summary>
internal sealed record QuerySample(WorkloadQuery Query, double WallMs, double CpuMs, int CandidateLines, int Matches, SearchTimings Timings, IReadOnlyList<SearchHit> Hits);

/// <summary>
/// Sends queries one after another through <see cref="Searcher.SearchAsync"/>, the way the CLI and
/// the HTTP API do, after an untimed warm-up (JIT, SQLite page cache, connection pool). Single
/// threaded and sequential, so wall time is one query's latency; CPU time is the whole process's
/// (the GC included), which on a loaded machine says how much of the wall time was work.
/// </summary>
internal static class LatencyRunner
{
    /// <summary>Times every query <paramref name="rounds"/> times (round after round, so a burst of load from elsewhere hits few samples of one query); all samples are kept.</summary>
    public static async Task<IReadOnlyList<QuerySample>> RunAsync(
        Searcher searcher, IReadOnlyList<WorkloadQuery> queries, SearchOptions options, int warmup, int rounds, CancellationToken cancellationToken)
    {
        var warm = queries.ToArray();
        new Random(7).Shuffle(warm);
        foreach (var query in warm.Take(warmup))
        {
            await SearchAsync(searcher, query, options, cancellationToken).ConfigureAwait(false);
        }

        var samples = new List<QuerySample>(queries.Count * rounds);
        foreach (var query in Enumerable.Range(0, rounds).SelectMany(_ => queries))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cpu = CpuClock.NowMilliseconds();
            var start = Stopwatch.GetTimestamp();
            var response = await SearchAsync(searcher, query, options, cancellationToken).ConfigureAwait(false);
            var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var cpuMs = CpuClock.NowMilliseconds() - cpu;
            samples.Add(response is null
                ? new QuerySample(query, wall, cpuMs, 0, 0, SearchTimings.Zero, [])
                : new QuerySample(query, wall, cpuMs, response.CandidateLines, response.TotalMatches, response.Timings, response.Hits));
        }

        return samples;
    }

    /// <summary>The response, or null when the parser rejects the query (counted, like an empty answer).</summary>
    private static async Task<SearchResponse?> SearchAsync(Searcher searcher, WorkloadQuery query, SearchOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await searcher.SearchAsync(QueryWorkload.QueryText(query), options, cancellationToken).ConfigureAwait(false);
        }
        catch (QueryException)
        {
            return null;
        }
    }
}
