using System.Globalization;

namespace Retrieval.Bench.Query;

/// <summary>
/// Every timed query as one TSV row (query, group, wall and CPU ms, lines scored, matches, stage
/// times), for looking at single queries behind the percentiles or comparing two builds query by query.
/// </summary>
internal static class SampleFile
{
    public static void Save(string path, IReadOnlyList<QuerySample> samples)
    {
        var rows = new List<string> { "query\tgroup\twall_ms\tcpu_ms\tlines\tmatches\tcandidates_ms\tfetch_ms\tscore_ms\thits_ms" };
        rows.AddRange(samples.Select(s => string.Create(
            CultureInfo.InvariantCulture,
            $"{s.Query.Text}\t{LatencyReport.Name(s.Query.Group)}\t{s.WallMs:F2}\t{s.CpuMs:F2}\t{s.CandidateLines}\t{s.Matches}\t{s.Timings.Candidates.TotalMilliseconds:F2}\t{s.Timings.Fetch.TotalMilliseconds:F2}\t{s.Timings.Score.TotalMilliseconds:F2}\t{s.Timings.Hits.TotalMilliseconds:F2}")));
        File.WriteAllLines(path, rows);
    }
}
