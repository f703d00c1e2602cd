namespace Retrieval.Search.Evaluation.Metrics;

/// <summary>Speed of a benchmark run, filled by the runner that indexed and searched.</summary>
/// <param name="IndexedImages">Gallery images indexed by this run (0 when a complete index was reused).</param>
/// <param name="IndexingSeconds">Wall-clock time of this run's indexing (checking a reused index included).</param>
/// <param name="ImagesPerSecond">Indexing throughput.</param>
/// <param name="QueryCount">Queries timed.</param>
/// <param name="QueryLatencyP50Milliseconds">Median query latency.</param>
/// <param name="QueryLatencyP95Milliseconds">95th-percentile query latency.</param>
public sealed record PerformanceSummary(
    int IndexedImages,
    double IndexingSeconds,
    double ImagesPerSecond,
    int QueryCount,
    double QueryLatencyP50Milliseconds,
    double QueryLatencyP95Milliseconds)
{
    public static PerformanceSummary From(int indexedImages, TimeSpan indexingTime, IReadOnlyList<TimeSpan> queryLatencies)
    {
        ArgumentNullException.ThrowIfNull(queryLatencies);
        ArgumentOutOfRangeException.ThrowIfNegative(indexedImages);
        var milliseconds = queryLatencies.Select(l => l.TotalMilliseconds).ToArray();
        return new PerformanceSummary(
            indexedImages,
            indexingTime.TotalSeconds,
            indexingTime > TimeSpan.Zero ? indexedImages / indexingTime.TotalSeconds : 0,
            milliseconds.Length,
            Percentile(milliseconds, 50),
            Percentile(milliseconds, 95));
    }

    /// <summary>The <paramref name="percent"/>th percentile with linear interpolation between closest ranks (numpy's default); 0 for no values.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var position = percent / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
