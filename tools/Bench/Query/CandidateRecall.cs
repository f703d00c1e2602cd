using System.Globalization;
using Retrieval.Search;
using Retrieval.Search.Query;

namespace Retrieval.Bench.Query;

/// <summary>
/// How much the n-gram candidate path loses against brute force: for each query, the images of the
/// reference top <c>depth</c> (the exhaustive scorer, every line scored,
/// <see cref="SearchOptions.Exhaustive"/>; or, where that is too slow, the candidate path with a much
/// larger bound) that the candidate path's top <c>depth</c> also holds. Reported from several score
/// floors up, pooled over all hits and as the mean of the per-query fractions (the issue's "99% of
/// the top 100 per query"), with the number of queries under 99% and the worst of them named.
/// </summary>
internal static class CandidateRecall
{
    // Below SpottingOptions.ReportThreshold (0.3) a score means the word is most likely not in the
    // image (a misread guess the scorer does not report as a match), so hits are also counted from
    // there up; 0 counts every hit the reference returned (from the search's MinScore up).
    private static readonly double[] Floors = [0, 0.3, 0.5];

    /// <param name="referenceCandidates">0: the reference is the exhaustive scorer; otherwise the candidate path with this many candidates per term (to see what a smaller bound loses where exhaustive scoring is too slow).</param>
    public static async Task PrintAsync(
        TextWriter writer, Searcher searcher, IReadOnlyList<WorkloadQuery> queries, SearchOptions options, int depth, int referenceCandidates, CancellationToken cancellationToken)
    {
        var referenceOptions = referenceCandidates == 0
            ? options with { Top = depth, Exhaustive = true }
            : options with { Top = depth, CandidatesPerTerm = referenceCandidates };
        var reference = referenceCandidates == 0 ? "exhaustive" : $"candidates per term {referenceCandidates}";
        var candidateOptions = options with { Top = depth, Exhaustive = false };
        var perQuery = new List<(string Query, int[] Found, int[] Total)>();
        var cpu = CpuClock.NowMilliseconds();
        foreach (var query in queries)
        {
            var expected = await TopImagesAsync(searcher, query, referenceOptions, cancellationToken).ConfigureAwait(false);
            var candidates = (await TopImagesAsync(searcher, query, candidateOptions, cancellationToken).ConfigureAwait(false)).Select(h => h.ImageId).ToHashSet();
            var found = new int[Floors.Length];
            var total = new int[Floors.Length];
            for (var f = 0; f < Floors.Length; f++)
            {
                var above = expected.Where(h => h.Score >= Floors[f]).ToList();
                found[f] = above.Count(h => candidates.Contains(h.ImageId));
                total[f] = above.Count;
            }

            perQuery.Add((query.Text, found, total));
        }

        writer.WriteLine();
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"## candidate recall vs {reference} top-{depth} ({queries.Count} queries, candidates per term {options.CandidatesPerTerm}, min score {options.MinScore}; {CpuClock.NowMilliseconds() - cpu:F0} ms CPU)"));
        writer.WriteLine("| reference hits scoring | pooled | mean per query | worst query | queries under 99% | worst queries (found/reference) |");
        writer.WriteLine("|---|---|---|---|---|---|");
        for (var f = 0; f < Floors.Length; f++)
        {
            var counted = perQuery.Where(q => q.Total[f] > 0).Select(q => (q.Query, Found: q.Found[f], Total: q.Total[f], Fraction: (double)q.Found[f] / q.Total[f])).ToList();
            long found = counted.Sum(q => q.Found), total = counted.Sum(q => q.Total);
            var worst = counted.Where(q => q.Fraction < 1).OrderBy(q => q.Fraction).ThenBy(q => q.Query, StringComparer.Ordinal).ToList();
            writer.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| >= {Math.Max(Floors[f], options.MinScore):0.00} ({counted.Count} queries) | {found}/{total} = {Percent(found, total)} | {(counted.Count == 0 ? "-" : $"{100 * counted.Average(q => q.Fraction):F2}%")} | {(counted.Count == 0 ? "-" : $"{100 * counted.Min(q => q.Fraction):F1}%")} | {counted.Count(q => q.Fraction < 0.99)} | {string.Join(", ", worst.Take(8).Select(q => $"{q.Query} {q.Found}/{q.Total}"))} |"));
        }
    }

    private static string Percent(long found, long total) =>
        total == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * found / total:F2}%");

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
