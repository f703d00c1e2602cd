using System.Collections.Concurrent;
using System.Diagnostics;
using Retrieval.Search;
using Retrieval.Search.Scoring;

namespace Retrieval.Indexer.Server;

/// <summary>
/// Answers the API's searches through the one <see cref="Searcher"/>, remembering recent pages:
/// search-as-you-type, paging back and forth and many people asking the same thing repeat queries,
/// and a repeated query then costs a dictionary lookup instead of a ranking. An entry is used only
/// while the index is unchanged in this process (<see cref="IndexGeneration"/>) and the CLIP channel shows the same
/// embeddings, and for at most <see cref="MaxAge"/> (another process may write the index's text). Concurrent requests for the
/// same page share one search. The cached answer reports the time the search took.
/// </summary>
internal sealed class SearchService(Searcher searcher, IndexGeneration generation)
{
    public const int MaxEntries = 4096;

    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string Query, int Top, int Offset, FusionOptions Fusion), Entry> pages = new();
    private int trimming;

    public Task<SearchResponse> SearchAsync(string query, int top, int offset, CancellationToken cancellationToken) =>
        SearchAsync(query, top, offset, FusionOptions.Default, cancellationToken);

    public async Task<SearchResponse> SearchAsync(string query, int top, int offset, FusionOptions fusion, CancellationToken cancellationToken)
    {
        var key = (query.Trim(), top, offset, fusion);
        var now = Stopwatch.GetTimestamp();
        // A following CLIP channel renews its vectors here when another process changed the embeddings, and its
        // generation then moves, so a page ranked with the previous vectors is not served again.
        var current = generation.Value + (searcher.Clip is { } clip ? await clip.RefreshAsync(cancellationToken) : 0);
        if (pages.TryGetValue(key, out var entry) && (entry.Generation != current || Stopwatch.GetElapsedTime(entry.Created, now) > MaxAge))
        {
            pages.TryRemove(new KeyValuePair<(string, int, int, FusionOptions), Entry>(key, entry));
            entry = null;
        }

        if (entry is null)
        {
            TrimIfFull();
            entry = pages.GetOrAdd(key, k => new Entry(current, now, new Lazy<Task<SearchResponse>>(() => RankAsync(k.Query, k.Top, k.Offset, k.Fusion))));
        }

        try
        {
            return await entry.Response.Value.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Failures (a bad query, a locked index) are not remembered.
            pages.TryRemove(new KeyValuePair<(string, int, int, FusionOptions), Entry>(key, entry));
            throw;
        }
    }

    /// <summary>
    /// The ranking runs to the end even when the request that started it goes away: others may be waiting on it.
    /// One thread per query: concurrent requests are what keeps the cores busy here, so a server does not split one
    /// ranking across threads (with 16 clients serve-load measured no difference either way).
    /// </summary>
    private Task<SearchResponse> RankAsync(string query, int top, int offset, FusionOptions fusion) =>
        Task.Run(() => searcher.SearchAsync(query, new SearchOptions { Top = top, Offset = offset, Fusion = fusion, Parallelism = 1 }, CancellationToken.None));

    /// <summary>
    /// Drops the oldest quarter when full; rare, and cheaper than keeping an exact LRU order on every
    /// hit. One request trims at a time (the others go on; the cache may pass its bound by a few
    /// entries meanwhile), over a snapshot: sorting the live dictionary while other requests add and
    /// remove entries met empty entries (a NullReferenceException, answered with HTTP 500).
    /// </summary>
    private void TrimIfFull()
    {
        if (pages.Count < MaxEntries || Interlocked.Exchange(ref trimming, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var old in pages.ToArray().OrderBy(p => p.Value.Created).Take(MaxEntries / 4))
            {
                pages.TryRemove(old);
            }
        }
        finally
        {
            Volatile.Write(ref trimming, 0);
        }
    }

    private sealed record Entry(long Generation, long Created, Lazy<Task<SearchResponse>> Response);
}
