using System.Globalization;
using Retrieval.Search;
using Retrieval.Search.Query;

namespace Retrieval.Bench.Query;

/// <summary>
/// How much the n-gram candidate path loses against brute force: for each query, the images of the
/// exhaustive scorer's top <c>depth</c> (every line scored, <see cref="SearchOptions.Exhaustive"/>;
/// or, where that is too slow, the candidate path with a much larger bound)
/// that the candidate path's top <c>depth</c> also holds, pooled over all queries, counting all
/// exhaustive hits and those from a score floor up, with the worst queries named.
/// </summary>
internal static class CandidateRecall
{
    // Exhaustive hits are also counted from these scores up: below ReportThreshold (0.3) a score
    // means the word is most likely not in the image, so a miss there costs no relevant result.
    private static readonly double[] Floors = [0, 0.3, 0.5];

    /// <param name="referenceCandidates">0: the reference is the exhaustive scorer; otherwise the candidate path with this many candidates per term (to see what a smaller bound loses where exhaustive scoring is too slow).</param>
    public static async Task PrintAsync(
        TextWriter writer, Searcher searcher, IReadOnlyList<WorkloadQuery> queries, SearchOptions options, int depth, int referenceCandidates, CancellationToken cancellationToken)
    {
        var exhaustiveOptions = referenceCandidates == 0
            ? options with { Top = depth, Exhaustive = true }
            : options with { Top = depth, CandidatesPerTerm = referenceCandidates };
        var reference = referenceCandidates == 0 ? "exhaustive" : $"candidates per term {referenceCandidates}";
        var candidateOptions = options with { Top = depth, Exhaustive = false };
        var found = new long[Floors.Length];
        var total = new long[Floors.Length];
        var misses = new List<(string Query, int Found, int Total)>();
        var cpu = CpuClock.NowMilliseconds();
        foreach (var query in queries)
        {
            var exhaustive = await TopImagesAsync(searcher, query, exhaustiveOptions, cancellationToken).ConfigureAwait(false);
            var candidates = (await TopImagesAsync(searcher, query, candidateOptions, cancellationToken).ConfigureAwait(false)).Select(h => h.ImageId).ToHashSet();
            for (var f = 0; f < Floors.Length; f++)
            {
                var above = exhaustive.Where(h => h.Score >= Floors[f]).ToList();
                found[f] += above.Count(h => candidates.Contains(h.ImageId));
                total[f] += above.Count;
            }

            var relevant = exhaustive.Where(h => h.Score >= Floors[1]).ToList();
            var hit = relevant.Count(h => candidates.Contains(h.ImageId));
            if (hit < relevant.Count)
            {
                misses.Add((query.Text, hit, relevant.Count));
            }
        }

        writer.WriteLine();
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"## candidate recall vs {reference} top-{depth} ({queries.Count} queries, candidates per term {options.CandidatesPerTerm}, min score {options.MinScore}; {CpuClock.NowMilliseconds() - cpu:F0} ms CPU)"));
        for (var f = 0; f < Floors.Length; f++)
        {
            var floor = Math.Max(Floors[f], options.MinScore);
            writer.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"reference hits scoring >= {floor:0.00}: {found[f]}/{total[f]} = {(total[f] == 0 ? double.NaN : 100.0 * found[f] / total[f]):F2}% also returned by the candidate path"));
        }

        foreach (var (text, hit, count) in misses.OrderBy(q => (double)q.Found / q.Total).Take(10))
        {
            writer.WriteLine($"  missed at >= {Floors[1]:0.0}: {text} {hit}/{count}");
        }
    }

    private static async Task<List<(long ImageId, double Score)>> TopImagesAsync(Searcher searcher, WorkloadQuery query, SearchOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var response = await searcher.SearchAsync(QueryWorkload.QueryText(query), options, cancellationToken).ConfigureAwait(false);
            return response.Hits.Select(h => (h.Image.Id, h.Score)).ToList();
        }
        catch (QueryException)
        {
            return [];
        }
    }
}
