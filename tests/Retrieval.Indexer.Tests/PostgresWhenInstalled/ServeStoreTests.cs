using System.Net.Http.Json;
using System.Text.Json;
using Retrieval.Indexer.Server;
using Retrieval.Indexer.Tests.EndToEnd;
using Retrieval.Models.Geometry;
using Retrieval.Models.Text;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;
using Retrieval.TestSupport.Postgres;
using Retrieval.TestSupport.Text;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.PostgresWhenInstalled;

/// <summary><c>retrieval serve --store postgres://...</c>: a search node over a PostgreSQL index that another process writes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ServeStoreTests(PostgresCluster cluster, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> ModelHashes = new() { ["det"] = new string('1', 64), ["rec"] = new string('2', 64) };

    [Fact]
    public async Task A_read_only_search_node_on_a_postgres_store_answers_and_sees_images_written_by_another_process()
    {
        if (cluster.SkipReason is { } reason)
        {
            output.WriteLine($"Skipped: {reason}");
            return;
        }

        var database = await cluster.CreateIndexDatabaseAsync();
        var thumbnails = Directory.CreateTempSubdirectory("retrieval-serve-store-");
        try
        {
            await using var writer = await PostgresIndexStore.OpenAsync(new PostgresIndexOptions { ConnectionString = database, MaxPoolSize = 4 });
            await writer.EnsureModelsAsync(ModelHashes, TextFolding.Default, rebuild: false);
            await writer.WriteAsync([Image("/photos/cafe.jpg", "fresh coffee"), Image("/photos/exit.jpg", "emergency exit")]);

            using var node = CliProcess.Start(["serve", "--store", database, "--read-only", "--urls", "http://127.0.0.1:0", "--thumbnails", thumbnails.FullName]);
            const string Listening = "Now listening on: ";
            await node.WaitUntilAsync(() => node.Stdout.Contains(Listening, StringComparison.Ordinal), TimeSpan.FromSeconds(90), "the server to listen");
            var address = node.Stdout[(node.Stdout.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Split('\n')[0].Trim();
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };

            (await PathsAsync(client, "coffee")).Should().Equal("cafe.jpg");

            // A worker elsewhere commits an image; the node reads it on the next query, with no restart.
            await writer.WriteAsync([Image("/photos/menu.jpg", "espresso menu")]);
            (await PathsAsync(client, "espresso")).Should().Equal("menu.jpg");

            var status = await client.GetFromJsonAsync<JsonElement>("/api/status");
            status.GetProperty("index").GetProperty("images").GetInt64().Should().Be(3);
        }
        finally
        {
            await cluster.DropDatabaseAsync(database);
            thumbnails.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Search_on_a_postgres_store_takes_the_word_similarity_prefilter_which_a_sqlite_index_refuses()
    {
        if (cluster.SkipReason is { } reason)
        {
            output.WriteLine($"Skipped: {reason}");
            return;
        }

        var database = await cluster.CreateIndexDatabaseAsync();
        try
        {
            await using (var writer = await PostgresIndexStore.OpenAsync(new PostgresIndexOptions { ConnectionString = database, MaxPoolSize = 4 }))
            {
                await writer.EnsureModelsAsync(ModelHashes, TextFolding.Default, rebuild: false);
                await writer.WriteAsync([Image("/photos/cafe.jpg", "fresh coffee"), Image("/photos/exit.jpg", "emergency exit")]);
            }

            var pruned = await CliProcess.RunAsync(["search", "coffee", "--store", database, "--word-similarity", "0.5", "--json"]);
            pruned.ExitCode.Should().Be(0, pruned.ToString());
            pruned.Stdout.Should().Contain("/photos/cafe.jpg").And.NotContain("/photos/exit.jpg");

            var sqlite = await CliProcess.RunAsync(["search", "coffee", "--index", Path.Combine(Path.GetTempPath(), "no-such-index"), "--word-similarity", "0.5"]);
            sqlite.ExitCode.Should().Be(2, sqlite.ToString());
            sqlite.Stderr.Should().Contain("--word-similarity needs a PostgreSQL --store");
        }
        finally
        {
            await cluster.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public void A_read_store_and_word_similarity_need_a_postgres_index()
    {
        var sqlite = new ServeOptions { IndexDirectory = "index-data", ReadStore = "Host=replica;Database=retrieval" };
        sqlite.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*--read-store needs a PostgreSQL --store*");

        var directory = new ServeOptions { Store = "postgres://retrieval@db/retrieval", ReadStore = "some-directory" };
        directory.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().WithMessage("*--read-store must be a PostgreSQL database*");

        var similarity = new ServeOptions { IndexDirectory = "index-data", WordSimilarity = 1.5 };
        similarity.Invoking(o => o.Validate()).Should().Throw<ArgumentException>()
            .WithMessage("*--word-similarity must be in (0, 1]*").WithMessage("*--word-similarity needs a PostgreSQL --store*");

        var fine = new ServeOptions { Store = "postgres://retrieval@db/retrieval", ReadStore = "postgres://retrieval@replica/retrieval", WordSimilarity = 0.5 };
        fine.Invoking(o => o.Validate()).Should().NotThrow();
        fine.ThumbnailCacheDirectory.Should().EndWith("thumbnails", "a PostgreSQL index has no directory of its own, so thumbnails go to the cache");
    }

    private static async Task<List<string>> PathsAsync(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(query)}");
        return page.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("path").GetString()!).ToList();
    }

    private static ImageDocument Image(string path, string text)
    {
        var quad = new Quad(new PointF(10, 10), new PointF(10 + (10 * text.Length), 10), new PointF(10 + (10 * text.Length), 30), new PointF(10, 30));
        var words = new List<WordDocument>();
        var start = 0;
        foreach (var word in text.Split(' '))
        {
            words.Add(new WordDocument(quad.Slice(start / (float)text.Length, (start + word.Length) / (float)text.Length), word, 0.9f));
            start += word.Length + 1;
        }

        return new ImageDocument
        {
            Key = ImageKey.ForFile(path),
            Root = "/photos",
            Size = 1000,
            Modified = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Width = 1280,
            Height = 720,
            Lines = [new LineDocument(quad, text, 0.9f, LatticeBuilder.Clean(text), words)],
        };
    }
}
