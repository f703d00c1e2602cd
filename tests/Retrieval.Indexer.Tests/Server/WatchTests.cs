using System.Net.Http.Json;
using Retrieval.Indexer.Pipeline;
using Retrieval.Indexer.Server;
using Retrieval.Models.Imaging;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Tests.Server;

/// <summary><c>serve --watch</c>: the watcher and the API's indexing queue share one pipeline in the server process.</summary>
public sealed class WatchTests
{
    [Fact]
    public async Task A_watched_folder_is_indexed_at_start_and_a_new_file_becomes_searchable_while_serving()
    {
        using var folder = new TestFolder();
        var watched = Directory.CreateDirectory(folder.Combine("watched")).FullName;
        Save(folder.Combine("first.png"), Path.Combine(watched, "first.png"), "LANTERN");
        using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = folder.Combine("index") });
        var watch = new WatchRequest([watched], RescanInterval: TimeSpan.FromSeconds(2), Debounce: TimeSpan.FromMilliseconds(100));
        var options = RunningServer.Options(folder.Combine("index"), folder.Combine("thumbnails")) with { WatchFolders = [watched] };
        await using var server = await RunningServer.StartAsync(options, store, b => b.Services.AddServeIndexing(new IndexingOptions { BatchInterval = TimeSpan.FromMilliseconds(100), Prune = true }, watch));

        await WaitForAsync(server.Client, "lantern", 1);
        var status = (await server.Client.GetFromJsonAsync<StatusJson>("/api/status"))!;
        status.Indexer.Watching.Should().Equal(watched);

        Save(folder.Combine("second.png"), Path.Combine(watched, "second.png"), "LANTERN");

        await WaitForAsync(server.Client, "lantern", 2);
    }

    private static async Task WaitForAsync(HttpClient client, string query, int images)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var page = (await client.GetFromJsonAsync<SearchPageJson>($"/api/search?q={query}"))!;
            if (page.TotalMatches >= images)
            {
                return;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"the watcher indexes '{query}' in {images} image(s)");
            await Task.Delay(200);
        }
    }

    /// <summary>Renders outside the watched folder and moves the finished file in, as a camera upload would appear.</summary>
    private static void Save(string staging, string path, string text)
    {
        ImageEncoder.Save(TextRenderer.Render(new SceneSpec(480, 200, [new TextItem(text, 60, 70, "DejaVu Sans Bold 44")])), staging);
        File.Move(staging, path);
    }
}
