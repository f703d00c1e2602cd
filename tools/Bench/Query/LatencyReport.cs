using System.Globalization;

namespace Retrieval.Bench.Query;

/// <summary>
/// Markdown tables of query latency: per group and all together, wall-time percentiles
/// (nearest rank), mean process CPU per query, lines scored, and where the mean wall time went.
/// </summary>
internal static class LatencyReport
{
    public static void Print(TextWriter writer, string title, IReadOnlyList<QuerySample> samples)
    {
        writer.WriteLine();
        writer.WriteLine($"## {title}");
        writer.WriteLine("| queries | n | wall p50 ms | p95 | p99 | max | mean | CPU mean ms | CPU p95 | lines scored mean | max | mean ms: candidates | fetch | score | hits |");
        writer.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var group in Enum.GetValues<QueryGroup>())
        {
            Row(writer, Name(group), samples.Where(s => s.Query.Group == group).ToList());
        }

        Row(writer, "all", samples);
        writer.WriteLine("slowest: " + string.Join(", ", samples.OrderByDescending(s => s.WallMs).Take(5).Select(s => string.Create(
            CultureInfo.InvariantCulture, $"'{s.Query.Text}' ({Name(s.Query.Group)}) {s.WallMs:F0} ms wall, {s.CpuMs:F0} ms CPU, {s.CandidateLines} lines"))));
    }

    /// <summary>Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The 1, 5 and 15 minute load averages, so a reader can judge how busy the machine was.</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {parts[0]} {parts[1]} {parts[2]} on {Environment.ProcessorCount} cores";
        }
        catch (IOException)
        {
            return "load average unknown";
        }
    }

    public static string Name(QueryGroup group) => group switch
    {
        QueryGroup.Dev => "dev top-100",
        QueryGroup.GroundTruth => "other gt words",
        QueryGroup.Misspelled => "misspelled",
        QueryGroup.Absent => "absent",
        _ => "listed",
    };

    private static void Row(TextWriter writer, string name, IReadOnlyList<QuerySample> samples)
    {
        if (samples.Count == 0)
        {
            return;
        }

        var wall = samples.Select(s => s.WallMs).ToList();
        var cpu = samples.Select(s => s.CpuMs).ToList();
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {samples.Count} | {Percentile(wall, 50):F1} | {Percentile(wall, 95):F1} | {Percentile(wall, 99):F1} | {wall.Max():F1} | {wall.Average():F1} | {cpu.Average():F1} | {Percentile(cpu, 95):F1} | {samples.Average(s => s.CandidateLines):F0} | {samples.Max(s => s.CandidateLines)} | {samples.Average(s => s.Timings.Candidates.TotalMilliseconds):F1} | {samples.Average(s => s.Timings.Fetch.TotalMilliseconds):F1} | {samples.Average(s => s.Timings.Score.TotalMilliseconds):F1} | {samples.Average(s => s.Timings.Hits.TotalMilliseconds):F1} |"));
    }
}
