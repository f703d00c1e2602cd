using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>What a finished <c>retrieval</c> process left behind.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>For assertion messages: everything the process said.</summary>
    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// The built <c>retrieval</c> command line run as a child process, the way a user runs it:
/// <c>dotnet exec retrieval.dll ...</c> from this test project's output folder (the project
/// references src/Indexer, so the CLI is built next to the tests). Output is collected line by line
/// while it runs, so tests can wait for a line, send signals, or kill it.
/// </summary>
internal sealed partial class CliProcess : IDisposable
{
    private const int Sigint = 2;

    private readonly Process process;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();
    private readonly TaskCompletionSource stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process)
    {
        this.process = process;
    }

    public static string RetrievalDll { get; } = Path.Combine(AppContext.BaseDirectory, "retrieval.dll");

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public string Stdout
    {
        get
        {
            lock (stdout)
            {
                return stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
    }

    /// <summary>Runs <c>retrieval ARGS</c> to completion; a run longer than <paramref name="timeout"/> is killed and fails the test.</summary>
    public static async Task<CliResult> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyList<string>? launcher = null)
    {
        using var child = Start(args, launcher);
        return await child.WaitAsync(timeout ?? TimeSpan.FromSeconds(120));
    }

    /// <summary>
    /// Starts <c>retrieval ARGS</c>. <paramref name="launcher"/> is a command that execs the rest
    /// (e.g. <c>setpriv ...</c>), so the process id stays the CLI's. The working directory is the
    /// system temp folder, so a forgotten --index never writes into the build output.
    /// </summary>
    public static CliProcess Start(IEnumerable<string> args, IReadOnlyList<string>? launcher = null)
    {
        var command = new List<string>(launcher ?? []) { DotnetHost, "exec", RetrievalDll };
        command.AddRange(args);
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        var child = new CliProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
        child.process.OutputDataReceived += (_, e) => Append(child.stdout, child.stdoutClosed, e.Data);
        child.process.ErrorDataReceived += (_, e) => Append(child.stderr, child.stderrClosed, e.Data);
        child.process.Start();
        child.process.StandardInput.Close();
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the process to exit and for all its output; kills it and fails after <paramref name="timeout"/>.</summary>
    public async Task<CliResult> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(stdoutClosed.Task, stderrClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"retrieval did not finish within {timeout.TotalSeconds:0} s and was killed.\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}");
        }

        return new CliResult(process.ExitCode, Stdout, Stderr);
    }

    /// <summary>Waits until <paramref name="condition"/> holds (checked every 50 ms), failing if the process exits first or the time runs out.</summary>
    public Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, what);

    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (process.HasExited)
            {
                await Task.Delay(100);
                if (await condition())
                {
                    return;
                }

                throw new InvalidOperationException($"retrieval exited (code {process.ExitCode}) before {what}.\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Ctrl+C: sends SIGINT to the process.</summary>
    public void Interrupt()
    {
        if (kill(process.Id, Sigint) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, SIGINT) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, as in a crash or power cut of the process.</summary>
    public void Kill()
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    /// <summary>The dotnet host running the tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void Append(StringBuilder target, TaskCompletionSource closed, string? line)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (target)
        {
            target.Append(line).Append('\n');
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
