using System.Net;
using System.Net.Http.Json;
using Retrieval.Indexer.Pipeline;
using Retrieval.Indexer.Server;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>
/// The rendered scenes indexed by the real pipeline (PP-OCRv4 detector and recognizer through ONNX
/// Runtime, SQLite) inside a running server: the folder is posted to /api/index and the fixture waits
/// until /api/status shows every image indexed. Shared by the API and browser tests, which only read;
/// tests that change the index work on folders of their own.
/// </summary>
public sealed class ServedIndexFixture : IAsyncLifetime
{
    private readonly TestFolder folder = new();
    private SqliteIndexStore? store;
    private RunningServer? server;

    public string Root => folder.Combine("images");

    public string IndexDirectory => folder.Combine("index");

    public string ThumbnailDirectory => folder.Combine("thumbnails");

    /// <summary>Image ids by path relative to <see cref="Root"/>.</summary>
    public IReadOnlyDictionary<string, long> Ids { get; private set; } = new Dictionary<string, long>();

    internal IReadOnlyList<SceneFile> Files { get; private set; } = [];

    internal RunningServer Server => server!;

    internal IIndexStore Store => store!;

    public HttpClient Client => server!.Client;

    /// <summary>A scratch folder of the fixture's temp folder, for tests that add files.</summary>
    public string Scratch(string name)
    {
        var path = folder.Combine("scratch", name);
        Directory.CreateDirectory(path);
        return path;
    }

    public async Task InitializeAsync()
    {
        Files = ServedScenes.Render(Root);
        store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = IndexDirectory });
        server = await RunningServer.StartAsync(
            RunningServer.Options(IndexDirectory, ThumbnailDirectory),
            store,
            builder => builder.Services.AddServeIndexing(new IndexingOptions { BatchInterval = TimeSpan.FromMilliseconds(200), Prune = true }, watch: null));
        await IndexAsync(Root, Files.Count);
        var ids = new Dictionary<string, long>();
        await foreach (var image in store.ListImagesUnderAsync(Root))
        {
            ids[Path.GetRelativePath(Root, image.Key.Path).Replace('\\', '/')] = image.Id;
        }

        Ids = ids;
    }

    /// <summary>Posts a folder to /api/index and waits until the index holds <paramref name="expectedImages"/> more images and the indexer is idle.</summary>
    public async Task IndexAsync(string path, int expectedImages)
    {
        var before = (await Client.GetFromJsonAsync<StatusJson>("/api/status"))!.Index.Images;
        var response = await Client.PostAsJsonAsync("/api/index", new { path });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var status = (await Client.GetFromJsonAsync<StatusJson>("/api/status"))!;
            if (status.Index.Images >= before + expectedImages && !status.Indexer.Running && status.Indexer.QueueLength == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Indexing {path} did not finish in 3 minutes: {System.Text.Json.JsonSerializer.Serialize(status)}");
            }

            await Task.Delay(100);
        }
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

[CollectionDefinition(Name)]
public sealed class ServedIndexCollection : ICollectionFixture<ServedIndexFixture>
{
    public const string Name = "served index";
}
