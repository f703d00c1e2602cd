using System.Globalization;

namespace Retrieval.Bench.Query;

/// <summary>
/// The top hits of the dev queries as a TSV file (query, rank, image path, score), written before a
/// change to the search path and compared after it, so a speed-up that changes rankings is seen.
/// </summary>
internal static class RankingSnapshot
{
    public static void Save(string path, IReadOnlyList<QuerySample> samples)
    {
        var lines = new List<string>();
        foreach (var sample in Dev(samples))
        {
            for (var rank = 0; rank < sample.Hits.Count; rank++)
            {
                var hit = sample.Hits[rank];
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{sample.Query.Text}\t{rank + 1}\t{hit.Image.Key.Path}\t{hit.Score:R}"));
            }
        }

        File.WriteAllLines(path, lines);
    }

    /// <summary>Prints how many dev queries have the same top hits (paths in order, scores within 1e-9) as the saved file, and the first differences.</summary>
    public static void Compare(TextWriter writer, string path, IReadOnlyList<QuerySample> samples)
    {
        var saved = File.ReadAllLines(path)
            .Select(line => line.Split('\t'))
            .GroupBy(parts => parts[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => (Path: p[2], Score: double.Parse(p[3], CultureInfo.InvariantCulture))).ToList(), StringComparer.Ordinal);
        var dev = Dev(samples);
        var differences = new List<string>();
        foreach (var sample in dev)
        {
            var before = saved.GetValueOrDefault(sample.Query.Text) ?? [];
            var after = sample.Hits.Select(h => (Path: h.Image.Key.Path, h.Score)).ToList();
            var same = before.Count == after.Count
                && before.Zip(after).All(p => p.First.Path == p.Second.Path && Math.Abs(p.First.Score - p.Second.Score) <= 1e-9);
            if (!same)
            {
                differences.Add($"  {sample.Query.Text}: before [{Describe(before)}] after [{Describe(after)}]");
            }
        }

        writer.WriteLine();
        writer.WriteLine($"## rankings vs {path}: {dev.Count - differences.Count}/{dev.Count} dev queries have identical top hits");
        foreach (var line in differences.Take(20))
        {
            writer.WriteLine(line);
        }
    }

    /// <summary>The first sample of each dev (or listed) query (later rounds repeat the same search).</summary>
    private static List<QuerySample> Dev(IReadOnlyList<QuerySample> samples) =>
        samples.Where(s => QueryWorkload.IsRanked(s.Query)).DistinctBy(s => s.Query.Text).ToList();

    private static string Describe(List<(string Path, double Score)> hits) =>
        string.Join(", ", hits.Select(h => string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(h.Path)} {h.Score:F4}")));
}
