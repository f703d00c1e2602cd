namespace Retrieval.Indexer.Server;

/// <summary>
/// A number that grows whenever this process changes the index (the indexer writes a batch or
/// prunes, an image is deleted through the API); caches keyed on it drop stale entries at once.
/// Changes made by another process are not seen here, so caches also expire by age.
/// </summary>
internal sealed class IndexGeneration(IIndexingControl indexing)
{
    private long local;

    public long Value => Interlocked.Read(ref local) + indexing.Generation;

    public void Changed() => Interlocked.Increment(ref local);
}
