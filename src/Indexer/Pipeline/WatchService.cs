using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Retrieval.Indexer.Pipeline;

/// <summary>What a watching host keeps indexed, and how often it rescans when nothing is reported.</summary>
public sealed record WatchRequest(IReadOnlyList<string> Roots, TimeSpan RescanInterval, TimeSpan Debounce)
{
    public void Validate()
    {
        if (Roots.Count == 0)
        {
            throw new ArgumentException("watch needs at least one folder.");
        }

        if (RescanInterval < TimeSpan.FromSeconds(1) || Debounce < TimeSpan.Zero || Debounce > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException("The rescan interval must be at least 1 s and the debounce 0..10 min.");
        }
    }
}

/// <summary>
/// Keeps an index in step with folders (<c>retrieval watch</c>, and <c>serve --watch</c>): an initial
/// run, then a new incremental run (new and changed files indexed, deleted ones pruned) shortly after
/// file-system events settle, and a periodic rescan that catches what events miss (network
/// folders, overflowed watchers). Logs instead of a progress bar.
/// </summary>
public sealed partial class WatchService(IndexingPipeline pipeline, WatchRequest request, ILogger<WatchService> logger) : BackgroundService
{
    private readonly Channel<string> changes = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public IndexingStatus Status => pipeline.Status;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        request.Validate();
        var watchers = request.Roots.Select(Path.GetFullPath).Where(Directory.Exists).Select(CreateWatcher).ToList();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(request.RescanInterval);
                try
                {
                    var reason = await changes.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                    LogChange(logger, reason);
                    await Task.Delay(request.Debounce, stoppingToken).ConfigureAwait(false);
                    while (changes.Reader.TryRead(out _))
                    {
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The periodic rescan.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            watchers.ForEach(w => w.Dispose());
        }
    }

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var s = await pipeline.RunAsync(request.Roots, cancellationToken).ConfigureAwait(false);
            LogRun(logger, s.Indexed, s.Skipped, s.Failed, s.Pruned, s.Elapsed.TotalSeconds);
            foreach (var (path, error) in s.Failures)
            {
                LogFailure(logger, path, error);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failed run (the index is locked or full) is retried at the next change or rescan.
            LogRunFailed(logger, e);
        }
    }

    private FileSystemWatcher CreateWatcher(string root)
    {
        var watcher = new FileSystemWatcher(root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            InternalBufferSize = 64 * 1024,
        };
        watcher.Created += (_, e) => changes.Writer.TryWrite(e.FullPath);
        watcher.Changed += (_, e) => changes.Writer.TryWrite(e.FullPath);
        watcher.Deleted += (_, e) => changes.Writer.TryWrite(e.FullPath);
        watcher.Renamed += (_, e) => changes.Writer.TryWrite(e.FullPath);
        watcher.Error += (_, e) => changes.Writer.TryWrite("watcher error: " + e.GetException().Message);
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexed {Indexed}, unchanged {Skipped}, failed {Failed}, pruned {Pruned} in {Seconds:0.0} s")]
    private static partial void LogRun(ILogger logger, long indexed, long skipped, long failed, long pruned, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path}: {Error}")]
    private static partial void LogFailure(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Change seen: {Path}")]
    private static partial void LogChange(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Indexing run failed; retrying at the next change or rescan")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
