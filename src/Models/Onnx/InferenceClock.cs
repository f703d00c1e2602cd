using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Retrieval.Models.Onnx;

/// <summary>Time spent inside ONNX Runtime by one model file (or by all of them).</summary>
/// <param name="Wall">Wall time inside <c>Run</c>, summed over calls (and so over threads).</param>
/// <param name="CallerCpu">
/// CPU time of the calling threads inside <c>Run</c>. With one intra-op thread ONNX Runtime computes on
/// the caller, so this is the model's CPU time exactly; with more threads the pool's share is not in it.
/// </param>
/// <param name="Runs">How many times <c>Run</c> was called.</param>
public readonly record struct InferenceTotals(TimeSpan Wall, TimeSpan CallerCpu, long Runs);

/// <summary>
/// Process-wide totals of the time spent inside ONNX Runtime runs, overall and per model file.
/// Benchmarks read it to state how much of the end-to-end time is model time and how much is
/// pipeline overhead; wall totals are summed over threads, so with several sessions in parallel
/// they can exceed elapsed time.
/// </summary>
public static class InferenceClock
{
    private static readonly ConcurrentDictionary<string, Counter> Models = new(StringComparer.Ordinal);

    public static InferenceTotals Totals
    {
        get
        {
            var all = ByModel.Values;
            return new(
                TimeSpan.FromTicks(all.Sum(t => t.Wall.Ticks)),
                TimeSpan.FromTicks(all.Sum(t => t.CallerCpu.Ticks)),
                all.Sum(t => t.Runs));
        }
    }

    /// <summary>Wall time inside ONNX Runtime, summed over every model and thread.</summary>
    public static TimeSpan Total => Totals.Wall;

    public static long Runs => Totals.Runs;

    /// <summary>Totals per model file name (for example <c>ch_PP-OCRv4_det_infer.onnx</c>).</summary>
    public static IReadOnlyDictionary<string, InferenceTotals> ByModel =>
        Models.ToDictionary(pair => pair.Key, pair => pair.Value.Read(), StringComparer.Ordinal);

    public static void Reset()
    {
        foreach (var counter in Models.Values)
        {
            counter.Clear();
        }
    }

    internal static long ThreadCpuTicks() => ThreadCpu.NowTicks();

    internal static void Add(string model, TimeSpan wall, long cpuTicks) =>
        Models.GetOrAdd(model, _ => new Counter()).Add(wall.Ticks, cpuTicks);

    private sealed class Counter
    {
        private long wallTicks;
        private long cpuTicks;
        private long runs;

        public void Add(long wall, long cpu)
        {
            Interlocked.Add(ref wallTicks, wall);
            Interlocked.Add(ref cpuTicks, cpu);
            Interlocked.Increment(ref runs);
        }

        public void Clear()
        {
            Interlocked.Exchange(ref wallTicks, 0);
            Interlocked.Exchange(ref cpuTicks, 0);
            Interlocked.Exchange(ref runs, 0);
        }

        public InferenceTotals Read() =>
            new(TimeSpan.FromTicks(Interlocked.Read(ref wallTicks)), TimeSpan.FromTicks(Interlocked.Read(ref cpuTicks)), Interlocked.Read(ref runs));
    }

    /// <summary>The calling thread's CPU clock in ticks (Linux); 0 elsewhere, so CPU totals read 0 there.</summary>
    private static class ThreadCpu
    {
        private const int ClockThreadCpuTimeId = 3;

        public static long NowTicks()
        {
            if (!OperatingSystem.IsLinux() || clock_gettime(ClockThreadCpuTimeId, out var time) != 0)
            {
                return 0;
            }

            return (time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100);
        }

        // DllImport rather than LibraryImport: the source generator needs unsafe code for the out struct.
        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int clock_gettime(int clock, out Timespec time);

        [StructLayout(LayoutKind.Sequential)]
        private struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }
    }
}
