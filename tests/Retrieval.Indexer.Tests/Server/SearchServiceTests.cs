using Retrieval.Indexer.Server;
using Retrieval.Search;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>The server's page cache in front of the Searcher, driven directly (no HTTP) over an empty real index.</summary>
public sealed class SearchServiceTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "retrieval-search-service-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>
    /// Many clients asking distinct queries fill the cache past <see cref="SearchService.MaxEntries"/>
    /// again and again, so several requests trim it while others add and remove entries: every
    /// request must still be answered (trimming once enumerated the live dictionary, which under
    /// concurrent removals yielded empty entries and failed requests with HTTP 500).
    /// </summary>
    [Fact]
    public async Task Distinct_queries_from_many_clients_overflowing_the_page_cache_are_all_answered()
    {
        using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = directory });
        var service = new SearchService(Searcher.Create(store), new IndexGeneration(new DisabledIndexing()));
        var queries = SearchService.MaxEntries * 4;
        var next = -1;
        var answered = 0;
        var clients = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < queries)
            {
                var response = await service.SearchAsync($"word{i}", 10, 0, CancellationToken.None);
                response.TotalMatches.Should().Be(0);
                Interlocked.Increment(ref answered);
            }
        }));

        await Task.WhenAll(clients);

        answered.Should().Be(queries);
    }
}
