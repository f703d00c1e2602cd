namespace Retrieval.Indexer.Server;

/// <summary>What the indexer is doing, for /api/status; see <see cref="IndexerJson"/> for the meaning of each field.</summary>
public sealed record IndexingSnapshot(
    bool Enabled,
    bool Running,
    string? Current,
    long Queued,
    int PendingFolders,
    long Discovered,
    long Indexed,
    long Skipped,
    long Failed,
    long Pruned,
    long Frames,
    double ImagesPerSecond,
    IReadOnlyList<string> Watching)
{
    public static IndexingSnapshot Disabled { get; } = new(false, false, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, []);
}

/// <summary>
/// The server's handle on the indexer that runs in the same process: its live status, a queue for
/// folders to index, and a change counter that caches compare against. A read-only server has none
/// (<see cref="DisabledIndexing"/>).
/// </summary>
public interface IIndexingControl
{
    bool Enabled { get; }

    /// <summary>Grows whenever this process changed the index (images written or pruned); caches keyed on it never serve stale results.</summary>
    long Generation { get; }

    IndexingSnapshot Snapshot();

    /// <summary>
    /// Queues one indexing run over <paramref name="folder"/> (a full path that exists); returns how
    /// many runs are ahead of it, or null when the queue is full.
    /// </summary>
    int? Enqueue(string folder);
}

/// <summary>No indexer: the index is read-only here (or written by another process).</summary>
public sealed class DisabledIndexing : IIndexingControl
{
    public bool Enabled => false;

    public long Generation => 0;

    public IndexingSnapshot Snapshot() => IndexingSnapshot.Disabled;

    public int? Enqueue(string folder) => throw new InvalidOperationException("This server does not index: it was started with --read-only.");
}
