using System.Diagnostics;
using Retrieval.Search.Vectors;

namespace Retrieval.Bench;

/// <summary>Times exact vector scans for the top 100 images: one untimed warm-up scan, then <c>queries</c> timed ones.</summary>
internal static class ScanTiming
{
    /// <returns>Median and fastest wall milliseconds per scan, and mean process CPU milliseconds per scan.</returns>
    public static (double Median, double Fastest, double Cpu) Measure(ClipVectorIndex index, int queries, Func<float[]> nextQuery)
    {
        var times = new List<double>(queries);
        var cpu = 0.0;
        for (var q = 0; q <= queries; q++)
        {
            var query = nextQuery();
            var cpuStart = CpuClock.NowMilliseconds();
            var watch = Stopwatch.StartNew();
            index.Search(query, 100);
            watch.Stop();
            if (q > 0)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
                cpu += CpuClock.NowMilliseconds() - cpuStart;
            }
        }

        times.Sort();
        return (times[times.Count / 2], times[0], cpu / queries);
    }
}
