namespace Retrieval.Models.Onnx;

/// <summary>
/// Process-wide total of wall time spent inside ONNX Runtime runs (summed over threads, so with
/// several sessions in parallel it can exceed elapsed time). Benchmarks read it to report how much
/// of the end-to-end time is model time and how much is pipeline overhead.
/// </summary>
public static class InferenceClock
{
    private static long ticks;
    private static long runs;

    public static TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref ticks));

    public static long Runs => Interlocked.Read(ref runs);

    public static void Reset()
    {
        Interlocked.Exchange(ref ticks, 0);
        Interlocked.Exchange(ref runs, 0);
    }

    internal static void Add(TimeSpan elapsed)
    {
        Interlocked.Add(ref ticks, elapsed.Ticks);
        Interlocked.Increment(ref runs);
    }
}
