using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Server;

/// <summary><c>GET /api/status</c>: how big the index is, what failed, and what the indexer is doing now.</summary>
internal static class StatusEndpoint
{
    public static async Task<Ok<StatusJson>> HandleAsync(IIndexStore store, IIndexingControl indexing, ServeOptions options, CancellationToken cancellationToken)
    {
        var counts = await store.GetCountsAsync(cancellationToken);
        var failures = await store.ListFailuresAsync(options.Limits.FailuresListed, cancellationToken);
        var s = indexing.Snapshot();
        return TypedResults.Ok(new StatusJson(
            new IndexCountsJson(counts.Images, counts.Lines, counts.Words, counts.Failed, counts.Incomplete),
            new IndexerJson(
                s.Enabled,
                s.Running,
                s.Current,
                s.Queued + s.PendingFolders,
                s.PendingFolders,
                s.Discovered,
                s.Indexed,
                s.Skipped,
                s.Failed,
                s.Pruned,
                s.Frames,
                Math.Round(s.ImagesPerSecond, 2),
                s.Watching),
            failures.Select(f => new FailureJson(f.Id, ImageFileGuard.RelativePath(f), ImageFileGuard.RootName(f), f.Error)).ToList()));
    }
}
