using System.Diagnostics;

namespace Retrieval.Bench.Serve;

/// <summary>
/// <c>retrieval serve</c> started as a child process on a free loopback port (so load comes from
/// another process, as in production), stopped with its process tree on dispose.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const string ListeningLine = "Now listening on: ";

    private readonly Process process;

    private ServerProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>CPU time the server process has used so far (user and kernel, all threads).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public static async Task<ServerProcess> StartAsync(IReadOnlyList<string> serveArguments, CancellationToken cancellationToken)
    {
        var retrieval = Path.Combine(AppContext.BaseDirectory, "retrieval.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(retrieval);
        start.ArgumentList.Add("serve");
        foreach (var argument in serveArguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + retrieval);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var echo = false;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (e.Data.IndexOf(ListeningLine, StringComparison.Ordinal) is >= 0 and var at)
            {
                listening.TrySetResult(new Uri(e.Data[(at + ListeningLine.Length)..].Trim()));
            }

            // Warnings and errors of the server log (a 500 is logged with its exception), each with the lines that follow it.
            echo = LogLevel(e.Data) is { } level ? level is "warn" or "fail" or "crit" : echo;
            if (echo)
            {
                Console.Error.WriteLine("serve: " + e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("serve: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return new ServerProcess(process, address);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>The level of a console log line ("10:00:00 warn: Category[0] message"), or null for a continuation line.</summary>
    private static string? LogLevel(string line)
    {
        foreach (var level in (string[])["trce", "dbug", "info", "warn", "fail", "crit"])
        {
            if (line.Contains($" {level}: ", StringComparison.Ordinal) || line.StartsWith($"{level}: ", StringComparison.Ordinal))
            {
                return level;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
