using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>
/// How the tests make permission bits and signals behave for a child process as they do for a user.
/// Tests here often run as root, which reads a mode-000 folder and writes a mode-555 one regardless;
/// a child started through <see cref="WithoutFileOverride"/> (setpriv dropping CAP_DAC_OVERRIDE and
/// CAP_DAC_READ_SEARCH from its bounding set) obeys them while keeping its root identity, so it still
/// reads the SDK and the model cache. Each helper returns null with a reason where that cannot be arranged.
/// </summary>
internal static partial class Privileges
{
    private static readonly Lazy<(IReadOnlyList<string>? Launcher, string Reason)> FileOverride = new(ProbeFileOverride);
    private static readonly Lazy<(IReadOnlyList<string>? Launcher, string Reason)> DefaultSigint = new(ProbeDefaultSigint);

    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    /// <summary>A launcher under which the child obeys file permission bits; empty when it already does.</summary>
    public static IReadOnlyList<string>? WithoutFileOverride(out string reason)
    {
        (var launcher, reason) = FileOverride.Value;
        return launcher;
    }

    /// <summary>
    /// A launcher that gives the child the default SIGINT disposition: a runner started in the
    /// background (no job control) ignores SIGINT, children inherit that, and .NET keeps an
    /// inherited "ignore" for SIGINT, so Ctrl+C tests would test nothing.
    /// </summary>
    public static IReadOnlyList<string>? WithDefaultSigint(out string reason)
    {
        (var launcher, reason) = DefaultSigint.Value;
        return launcher;
    }

    /// <summary>Runs a helper program; true when it exits with 0 within 30 s.</summary>
    public static bool Run(string program, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            using var p = Process.Start(info)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            return p.WaitForExit(30_000) && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static (IReadOnlyList<string>?, string) ProbeFileOverride()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (null, "permission checks need Linux");
        }

        if (!IsRoot)
        {
            return ([], string.Empty);
        }

        string[] launcher = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"];
        return Run(launcher[0], [.. launcher[1..], "true"])
            ? (launcher, string.Empty)
            : (null, "running as root and `setpriv --bounding-set` is not available, so file permissions would not apply to the child");
    }

    private static (IReadOnlyList<string>?, string) ProbeDefaultSigint()
    {
        string[] launcher = ["env", "--default-signal=INT"];
        return Run(launcher[0], [.. launcher[1..], "true"])
            ? (launcher, string.Empty)
            : (null, "`env --default-signal` (GNU coreutils 8.31+) is not available to give the child a default SIGINT handler");
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();
}

/// <summary>A small tmpfs mounted on a folder (needs root): a disk that fills up after a few images. Unmounted on dispose.</summary>
internal sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static SmallDisk? TryMount(string path, int kilobytes, out string reason)
    {
        Directory.CreateDirectory(path);
        if (!Privileges.IsRoot)
        {
            reason = "mounting a small tmpfs needs root";
            return null;
        }

        if (!Privileges.Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path))
        {
            reason = "`mount -t tmpfs` failed here (no CAP_SYS_ADMIN in this container?)";
            return null;
        }

        reason = string.Empty;
        return new SmallDisk(path);
    }

    /// <summary>Fills the free space with a file, then gives back about <paramref name="keepBytes"/>.</summary>
    public string Fill(long keepBytes)
    {
        var filler = System.IO.Path.Combine(Path, "filler.bin");
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[4096];
        long written = 0;
        try
        {
            while (true)
            {
                stream.Write(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            // No space left on device: full.
        }

        stream.SetLength(Math.Max(0, written - keepBytes));
        return filler;
    }

    public void Dispose() => Privileges.Run("umount", "-l", Path);
}
