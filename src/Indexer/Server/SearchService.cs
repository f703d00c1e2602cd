using Retrieval.Search;

namespace Retrieval.Indexer.Server;

/// <summary>Answers the API's searches through the one <see cref="Searcher"/>.</summary>
internal sealed class SearchService(Searcher searcher)
{
    public Task<SearchResponse> SearchAsync(string query, int top, int offset, CancellationToken cancellationToken) =>
        searcher.SearchAsync(query, new SearchOptions { Top = top, Offset = offset }, cancellationToken);
}
