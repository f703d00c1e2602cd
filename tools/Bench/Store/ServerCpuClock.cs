using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;

namespace Retrieval.Bench.Store;

/// <summary>
/// CPU time of a PostgreSQL server on this machine (the postmaster, its live children, and the children
/// it has reaped: backends of closed connections, autovacuum, parallel workers), in milliseconds, read
/// from /proc. Needs the server's data directory (a superuser connection) and a server on the same
/// machine; otherwise <see cref="NowMilliseconds"/> is NaN and the benches print n/a. With the bench
/// process's own <see cref="CpuClock"/> it splits the work between client and server, which wall times on
/// a shared machine cannot.
/// </summary>
internal sealed class ServerCpuClock
{
    private readonly int postmaster;
    private readonly double millisecondsPerTick;

    private ServerCpuClock(int postmaster)
    {
        this.postmaster = postmaster;
        millisecondsPerTick = 1000.0 / Math.Max(1, sysconf(ClockTicksName));
    }

    /// <summary>The clock of the server <paramref name="connectionString"/> reaches; one that reads NaN when it is not local or not readable.</summary>
    public static async Task<ServerCpuClock> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT current_setting('data_directory')", connection);
            var directory = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            var pid = int.Parse((await File.ReadAllLinesAsync(Path.Combine(directory, "postmaster.pid"), cancellationToken))[0], CultureInfo.InvariantCulture);
            return new ServerCpuClock(pid);
        }
        catch (Exception e) when (e is PostgresException or IOException or UnauthorizedAccessException or FormatException)
        {
            return new ServerCpuClock(0);
        }
    }

    /// <summary>Server CPU so far; NaN when it cannot be read.</summary>
    public double NowMilliseconds()
    {
        if (postmaster == 0 || !OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        try
        {
            // Fields after the command name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
            var own = Fields(postmaster);
            if (own is null)
            {
                return double.NaN;
            }

            long ticks = Tick(own, 14) + Tick(own, 15) + Tick(own, 16) + Tick(own, 17);
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    && Fields(pid) is { } child && Tick(child, 4) == postmaster)
                {
                    ticks += Tick(child, 14) + Tick(child, 15);
                }
            }

            return ticks * millisecondsPerTick;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>"12.3 s" or "n/a".</summary>
    public static string Seconds(double milliseconds) =>
        double.IsNaN(milliseconds) ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000:0.0} s");

    // /proc/PID/stat split after the parenthesized command name (which may hold spaces); index 3 is field 3.
    private static string[]? Fields(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var close = text.LastIndexOf(')');
        return close < 0 ? null : ["", "", "", .. text[(close + 2)..].Split(' ')];
    }

    private static long Tick(string[] fields, int field) => long.Parse(fields[field], CultureInfo.InvariantCulture);

    private const int ClockTicksName = 2; // _SC_CLK_TCK

    [DllImport("libc")]
    private static extern long sysconf(int name);
}
