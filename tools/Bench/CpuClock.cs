using System.Runtime.InteropServices;

namespace Retrieval.Bench;

/// <summary>
/// CPU time used by this process (all its threads: ours, libvips' worker, the GC), in milliseconds,
/// with nanosecond resolution. On a shared machine wall time mostly measures the queue for a core;
/// CPU time measures the work. Linux only; NaN elsewhere.
/// </summary>
internal static class CpuClock
{
    private const int ClockProcessCpuTimeId = 2;

    public static double NowMilliseconds()
    {
        if (!OperatingSystem.IsLinux() || clock_gettime(ClockProcessCpuTimeId, out var time) != 0)
        {
            return double.NaN;
        }

        return (time.Seconds * 1000.0) + (time.Nanoseconds / 1_000_000.0);
    }

    // DllImport rather than LibraryImport: the source generator would need unsafe code enabled in this project.
    [DllImport("libc")]
    private static extern int clock_gettime(int clock, out Timespec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
