using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Pipeline;

namespace Retrieval.Indexer.Server;

/// <summary>
/// The indexer inside <c>retrieval serve</c>: folders posted to /api/index are indexed one run after
/// another by the same <see cref="IndexingPipeline"/> that keeps --watch folders current (the
/// pipeline runs one run at a time, so the two take turns). Its <see cref="IndexingStatus"/>
/// counters are what /api/status reports and what search caches compare.
/// </summary>
public sealed partial class PipelineIndexing(IndexingPipeline pipeline, IReadOnlyList<string> watching, ILogger<PipelineIndexing> logger)
    : BackgroundService, IIndexingControl
{
    /// <summary>Folders that may wait for their run; more are refused until runs finish.</summary>
    public const int MaxPendingFolders = 64;

    private readonly Channel<string> queue = Channel.CreateBounded<string>(MaxPendingFolders);
    private int pending;

    public bool Enabled => true;

    public long Generation => pipeline.Status.Changes;

    public IndexingSnapshot Snapshot()
    {
        var s = pipeline.Status;
        return new IndexingSnapshot(
            true,
            s.Running,
            s.Current is { } current ? Path.GetFileName(current) : null,
            s.Running ? s.Queued : 0,
            Volatile.Read(ref pending),
            s.Discovered,
            s.Indexed,
            s.Skipped,
            s.Failed,
            s.Pruned,
            s.Frames,
            s.Running ? s.ImagesPerSecond : 0,
            watching);
    }

    public int? Enqueue(string folder)
    {
        if (!queue.Writer.TryWrite(folder))
        {
            return null;
        }

        return Interlocked.Increment(ref pending) - 1 + (pipeline.Status.Running ? 1 : 0);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var folder in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var s = await pipeline.RunAsync([folder], stoppingToken).ConfigureAwait(false);
                    LogRun(logger, folder, s.Indexed, s.Skipped, s.Failed, s.Pruned, s.Elapsed.TotalSeconds);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One failed run (the index is locked, a model is missing) does not stop the server.
                    LogRunFailed(logger, folder, e);
                }
                finally
                {
                    Interlocked.Decrement(ref pending);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Folder}: indexed {Indexed}, unchanged {Skipped}, failed {Failed}, pruned {Pruned} in {Seconds:0.0} s")]
    private static partial void LogRun(ILogger logger, string folder, long indexed, long skipped, long failed, long pruned, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Indexing {Folder} failed")]
    private static partial void LogRunFailed(ILogger logger, string folder, Exception exception);
}

/// <summary>Registers the in-process indexer of <c>retrieval serve</c> (and, with folders to watch, the watcher).</summary>
public static class ServeIndexing
{
    public static IServiceCollection AddServeIndexing(this IServiceCollection services, IndexingOptions options, WatchRequest? watch)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        watch?.Validate();
        services.AddSingleton(options);
        services.AddSingleton<IndexingPipeline>();
        services.AddSingleton(sp => new PipelineIndexing(
            sp.GetRequiredService<IndexingPipeline>(),
            watch?.Roots.Select(Path.GetFullPath).ToList() ?? [],
            sp.GetRequiredService<ILogger<PipelineIndexing>>()));
        services.AddSingleton<IIndexingControl>(sp => sp.GetRequiredService<PipelineIndexing>());
        services.AddHostedService(sp => sp.GetRequiredService<PipelineIndexing>());
        if (watch is not null)
        {
            services.AddSingleton(watch);
            services.AddHostedService<WatchService>();
        }

        return services;
    }
}
