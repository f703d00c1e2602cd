using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Retrieval.Indexer.Pipeline;

/// <summary>What a one-shot indexing host should index.</summary>
public sealed record IndexRequest(IReadOnlyList<string> Roots);

/// <summary>
/// Hosts one indexing run (<c>retrieval index</c>): runs the pipeline over the requested roots, then
/// stops the application. Stopping the host (Ctrl+C) cancels the run; the pipeline commits what it
/// finished before the run returns.
/// </summary>
public sealed partial class IndexingService(IndexingPipeline pipeline, IndexRequest request, IHostApplicationLifetime lifetime, ILogger<IndexingService> logger) : BackgroundService
{
    private readonly TaskCompletionSource<IndexingSummary> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<IndexingSummary> Completion => completion.Task;

    public IndexingStatus Status => pipeline.Status;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var summary = await pipeline.RunAsync(request.Roots, stoppingToken).ConfigureAwait(false);
            completion.TrySetResult(summary);
        }
        catch (Exception e)
        {
            LogRunFailed(logger, e.Message);
            completion.TrySetException(e);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Indexing stopped: {Reason}")]
    private static partial void LogRunFailed(ILogger logger, string reason);
}
