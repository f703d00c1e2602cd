using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Commands;
using Retrieval.Indexer.Pipeline;
using Retrieval.Indexer.Server;
using Retrieval.Indexer.Tests.EndToEnd;
using Retrieval.Indexer.Tests.Server;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.Clip;

/// <summary>
/// Embeddings that change while the index is used: <c>index --embed</c> leaves a current vector file, a running server
/// searches embeddings another process adds from the next query on, and <c>serve --watch</c> embeds new images and
/// drops the embeddings of deleted ones. The tiny CLIP test model, real SQLite, real processes where the CLI is involved.
/// </summary>
public sealed class LiveEmbeddingTests(EmbeddingFixture fixture, ITestOutputHelper output) : IClassFixture<EmbeddingFixture>, IDisposable
{
    private readonly TempFolder folder = new("retrieval-live-embed-");

    [Fact]
    public async Task Index_embed_leaves_a_current_vector_file_that_a_search_maps_without_rebuilding()
    {
        var index = fixture.CopyIndex(folder);
        var registration = await EmbeddingFixture.RegisterAsync(index);

        await EmbeddingFixture.RunAsync(index, [], new IndexingOptions { Embedding = new EmbeddingOptions() });

        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        var log = new ListLogger();
        using var vectors = await ClipVectorIndex.OpenAsync(store, registration.ModelId, EmbeddingPrecision.Float16, log);
        vectors.FilePath.Should().Be(ClipVectorFiles.PathFor(Path.Combine(index, "embeddings"), registration.ModelId, EmbeddingPrecision.Float16));
        vectors.Count.Should().Be(2 * EmbeddingFixture.Words.Length);
        log.Messages.Should().BeEmpty("the run wrote the file after its last commit, so it is current");
    }

    [Fact]
    public async Task A_running_server_searches_embeddings_another_process_adds_from_the_next_query_on()
    {
        var index = fixture.CopyIndex(folder);
        var registration = await EmbeddingFixture.RegisterAsync(index);
        await EmbeddingFixture.RunAsync(index, [], new IndexingOptions { Embedding = new EmbeddingOptions() });
        long meadow;
        await using (var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index }))
        {
            // Two images lose their embeddings, as if the embedding run had stopped before their batch.
            meadow = (await store.FindImageAsync(ImageKey.ForFile(fixture.PathOf("MEADOW"))))!.Id;
            var copper = (await store.FindImageAsync(ImageKey.ForFile(fixture.PathOf("COPPER"))))!.Id;
            await store.ReplaceEmbeddingsAsync([new ImageEmbeddings(meadow, []), new ImageEmbeddings(copper, [])]);
        }

        using var server = CliProcess.Start(["serve", "--index", index, "--urls", "http://127.0.0.1:0", "--thumbnails", folder.Folder("thumbnails")]);
        const string Listening = "Now listening on: ";
        await server.WaitUntilAsync(() => server.Stdout.Contains(Listening, StringComparison.Ordinal), TimeSpan.FromSeconds(90), "the server to listen");
        var address = server.Stdout[(server.Stdout.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Split('\n')[0].Trim();
        using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };

        var before = await ResultAsync(client, "meadow", meadow);
        before.Channels.Should().NotBeNull("the server fuses the CLIP channel of the images embedded so far");
        before.Channels!.ClipSimilarity.Should().BeNull("meadow.png has no embedding yet");

        var embed = await CliProcess.RunAsync(["index", "--embed", "--index", index]);
        embed.ExitCode.Should().Be(0, embed.ToString());

        var after = await ResultAsync(client, "meadow", meadow);
        output.WriteLine(server.Stderr);
        after.Channels!.ClipSimilarity.Should().NotBeNull("the next search after the run scans the embeddings it added");
        after.Channels.ClipRank.Should().NotBeNull();
        server.Stderr.Should().Contain("CLIP channel renewed: 8 embeddings of 4 images");
        registration.ModelId.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Serve_watch_embeds_new_images_with_the_registered_model_and_drops_the_embeddings_of_deleted_ones()
    {
        var index = folder.Combine("index");
        var registration = await EmbeddingFixture.RegisterAsync(index);
        var watched = folder.Folder("watched");
        File.Copy(fixture.PathOf("HARBOR"), Path.Combine(watched, "harbor.png"));
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index });
        using var clip = await ClipChannel.OpenAsync(store, new ClipChannelOptions { Follow = true, RefreshWait = TimeSpan.FromSeconds(10) });
        clip.Should().NotBeNull("a following channel opens on a registered model before anything is embedded");
        var watch = new WatchRequest([watched], RescanInterval: TimeSpan.FromSeconds(2), Debounce: TimeSpan.FromMilliseconds(100));
        var indexing = new IndexingOptions { BatchInterval = TimeSpan.FromMilliseconds(100), Prune = true, EmbedWhenRegistered = true };
        var options = RunningServer.Options(index, folder.Folder("thumbnails")) with { WatchFolders = [watched] };
        await using var server = await RunningServer.StartAsync(options, store, b => b.Services.AddServeIndexing(indexing, watch), clip);

        var found = await WaitForAsync(server.Client, "harbor", page => page.Results.Count == 1 && page.Results[0].Channels?.ClipSimilarity is not null);

        found.Results[0].Channels!.ClipRank.Should().Be(1);
        (await EmbeddingFixture.EmbeddingsAsync(index, registration.ModelId)).Should().HaveCount(2, "the watcher embedded the whole image and its text region");

        File.Delete(Path.Combine(watched, "harbor.png"));

        await WaitForAsync(server.Client, "harbor", page => page.Results.Count == 0);
        (await EmbeddingFixture.EmbeddingsAsync(index, registration.ModelId)).Should().BeEmpty("pruning the image removed its embeddings");
        await WaitForAsync(server.Client, "harbor", _ => clip!.Vectors.Count == 0);
    }

    [Fact]
    public async Task A_registered_model_whose_files_are_untouched_is_not_hashed_again()
    {
        var model = folder.Folder("model");
        foreach (var file in Directory.GetFiles(TinyClip.HuggingFace))
        {
            File.Copy(file, Path.Combine(model, Path.GetFileName(file)), overwrite: false);
            File.SetLastWriteTimeUtc(Path.Combine(model, Path.GetFileName(file)), new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc));
        }

        var index = folder.Combine("index");
        using (var quiet = new StringWriter())
        {
            (await ModelsCommand.AddClipAsync(model, index, quiet, quiet, CancellationToken.None)).Should().Be(0, quiet.ToString());
        }

        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index });
        var registration = (await ClipModelRegistration.ReadAsync(store))!;
        var stamps = (await store.GetSettingAsync(ClipModelRegistration.FileStampsKey))!;
        var textLine = stamps.Split('\n').Single(l => l.StartsWith("text_model.onnx\t", StringComparison.Ordinal));
        var fields = textLine.Split('\t');
        await store.SetSettingAsync(ClipModelRegistration.FileStampsKey, stamps.Replace(textLine, $"{fields[0]}\t{fields[1]}\t{fields[2]}\t{new string('0', 64)}", StringComparison.Ordinal));
        var directory = Models.Clip.ClipModelDirectory.Open(model);

        var cached = await ClipModelRegistration.FingerprintAsync(store, directory, record: false);

        cached.Files.Single(f => f.RelativePath == "text_model.onnx").Sha256.Should().Be(new string('0', 64), "an untouched file's recorded hash is used as it is");
        cached.Id.Should().NotBe(registration.ModelId);

        File.SetLastWriteTimeUtc(Path.Combine(model, "text_model.onnx"), new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc));
        var rehashed = await ClipModelRegistration.FingerprintAsync(store, directory, record: true);

        rehashed.Id.Should().Be(registration.ModelId, "a touched file is read again");
        (await store.GetSettingAsync(ClipModelRegistration.FileStampsKey)).Should().NotContain(new string('0', 64), "the new stamps were recorded");
    }

    public void Dispose() => folder.Dispose();

    private static async Task<SearchItemJson> ResultAsync(HttpClient client, string query, long imageId)
    {
        var page = (await client.GetFromJsonAsync<SearchPageJson>($"/api/search?q={query}"))!;
        return page.Results.Should().ContainSingle(r => r.Id == imageId).Subject;
    }

    private static async Task<SearchPageJson> WaitForAsync(HttpClient client, string query, Func<SearchPageJson, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var page = (await client.GetFromJsonAsync<SearchPageJson>($"/api/search?q={query}"))!;
            if (done(page))
            {
                return page;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"the server answers '{query}' as expected in time");
            await Task.Delay(200);
        }
    }

    /// <summary>An <see cref="ILogger"/> that keeps the formatted messages.</summary>
    private sealed class ListLogger : ILogger
    {
        private readonly List<string> messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (messages)
                {
                    return [.. messages];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (messages)
            {
                messages.Add(formatter(state, exception));
            }
        }
    }
}
