using Retrieval.Indexer.Server;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>The rendered scenes in a store written with synthetic lattices, served on a free loopback port.</summary>
public sealed class SyntheticServerFixture : IAsyncLifetime
{
    private readonly TestFolder folder = new();
    private SqliteIndexStore? store;
    private RunningServer? server;

    public string Root => folder.Combine("images");

    public string IndexDirectory => folder.Combine("index");

    public IReadOnlyDictionary<string, long> Ids { get; private set; } = new Dictionary<string, long>();

    internal IReadOnlyList<SceneFile> Files { get; private set; } = [];

    internal RunningServer Server => server!;

    internal IIndexStore Store => store!;

    public HttpClient Client => server!.Client;

    public async Task InitializeAsync()
    {
        Files = ServedScenes.Render(Root);
        store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = IndexDirectory });
        Ids = await SyntheticIndex.WriteAsync(store, Root, Files);
        server = await RunningServer.StartAsync(RunningServer.Options(IndexDirectory, folder.Combine("thumbnails")), store);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        store?.Dispose();
        folder.Dispose();
    }
}
