using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Retrieval.Search.Tests.Scoring;

/// <summary>
/// CPU time of the calling thread, for micro timings on a shared machine where wall time mostly
/// measures the other processes. Linux only (clock_gettime); elsewhere it falls back to wall time.
/// </summary>
internal static class ThreadCpuClock
{
    private const int ThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID

    public static double NowNanoseconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuTimeId, out var time) == 0)
        {
            return (time.Seconds * 1e9) + time.Nanoseconds;
        }

        return Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency);
    }

#pragma warning disable SYSLIB1054, CA5392, CA1060 // a test-only clock; LibraryImport would need unsafe code in the test project
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
#pragma warning restore SYSLIB1054, CA5392, CA1060

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
