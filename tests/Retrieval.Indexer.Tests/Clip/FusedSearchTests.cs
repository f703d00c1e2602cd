using System.Text.RegularExpressions;
using Retrieval.Indexer.Pipeline;
using Retrieval.Indexer.Tests.EndToEnd;
using Retrieval.Search;
using Retrieval.Search.Query;
using Retrieval.Search.Scoring;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.Clip;

/// <summary>
/// Search with the CLIP channel of the tiny test model. Its weights are random, so its image and text embeddings do not
/// agree on meaning; where a test needs an image whose embedding matches a query, it plants the query's own embedding
/// as that image's stored embedding (the test says so). The CLIP score is calibrated against all images' similarities
/// (a z-score), which needs a gallery larger than the four word images: <see cref="FillerImages"/> records without
/// text and with random unit embeddings stand in for the rest of a collection. Everything else is the real path:
/// model, store, scan, fusion.
/// </summary>
public sealed partial class FusedSearchTests(EmbeddingFixture fixture, ITestOutputHelper output) : IClassFixture<EmbeddingFixture>, IDisposable
{
    private readonly TempFolder folder = new("retrieval-fused-");

    [Fact]
    public async Task Without_a_registered_and_embedded_model_search_output_is_the_text_only_output()
    {
        var index = fixture.CopyIndex(folder);
        var textOnly = await SearchJsonAsync(index, "harbor", "--fusion", "off");
        var byDefault = await SearchJsonAsync(index, "harbor");
        await EmbeddingFixture.RegisterAsync(index);
        var registeredNotEmbedded = await SearchJsonAsync(index, "harbor");
        var rrf = await SearchJsonAsync(index, "\"harbor meadow\"", "--fusion", "rrf");
        var rrfOff = await SearchJsonAsync(index, "\"harbor meadow\"", "--fusion", "off");

        textOnly.Should().Contain(fixture.PathOf("HARBOR"));
        byDefault.Should().Be(textOnly, "with no model the default fusion changes nothing");
        registeredNotEmbedded.Should().Be(textOnly, "a model with no embeddings adds no channel");
        rrf.Should().Be(rrfOff);
        textOnly.Should().NotContain("channels").And.NotContain("fusion");

        var text = await CliProcess.RunAsync(["search", "harbor", "--index", index]);
        var textOff = await CliProcess.RunAsync(["search", "harbor", "--index", index, "--fusion", "off"]);
        WithoutTime(text.Stdout).Should().Be(WithoutTime(textOff.Stdout));
    }

    [Fact]
    public async Task An_image_the_text_channel_misses_is_found_through_its_planted_matching_embedding()
    {
        var index = await EmbeddedIndexAsync();
        var copper = await ImageIdAsync(index, "COPPER");
        await PlantAsync(index, "zebra", copper);

        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        using var clip = await ClipChannel.OpenAsync(store);
        clip.Should().NotBeNull();
        var searcher = Searcher.Create(store, clip);

        var textOnly = await searcher.SearchAsync("zebra", SearchOptions.Default with { Fusion = FusionOptions.Default with { Method = FusionMethod.Off } }, CancellationToken.None);
        var fused = await searcher.SearchAsync("zebra", SearchOptions.Default, CancellationToken.None);

        textOnly.Hits.Should().BeEmpty("no image shows the word");
        fused.Fusion.Should().Be(FusionMethod.Weighted);
        var first = fused.Hits.Should().NotBeEmpty().And.Subject.First();
        first.Image.Id.Should().Be(copper);
        first.Matches.Should().BeEmpty();
        first.Channels!.ByClip.Should().BeTrue();
        first.Channels.ByText.Should().BeFalse();
        first.Channels.ClipSimilarity.Should().BeApproximately(1, 2e-3, "the planted vector is the query's own embedding");
        first.Channels.ClipRank.Should().Be(1);
        first.Score.Should().BeApproximately(FusionOptions.Default.ClipWeight * first.Channels.Clip!.Value, 1e-9);
    }

    [Fact]
    public async Task The_clip_weight_decides_whether_a_planted_embedding_outranks_an_exact_text_match()
    {
        var index = await EmbeddedIndexAsync();
        var meadow = await ImageIdAsync(index, "MEADOW");
        var harbor = await ImageIdAsync(index, "HARBOR");
        await PlantAsync(index, "harbor", meadow);

        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        using var clip = await ClipChannel.OpenAsync(store);
        var searcher = Searcher.Create(store, clip);
        async Task<List<long>> RankAsync(FusionMethod method, double weight) =>
            (await searcher.SearchAsync("harbor", SearchOptions.Default with { Fusion = FusionOptions.Default with { Method = method, ClipWeight = weight } }, CancellationToken.None))
                .Hits.Select(h => h.Image.Id).ToList();

        (await RankAsync(FusionMethod.Weighted, 0.2)).Should().StartWith([harbor, meadow], "text weighs most: the exact word first, the CLIP match next");
        (await RankAsync(FusionMethod.Weighted, 0.9)).First().Should().Be(meadow, "CLIP weighs most (and ranks harbor.png among the random filler images)");
        (await RankAsync(FusionMethod.Rrf, 0.5)).Should().StartWith([harbor, meadow], "first in text and ranked by CLIP beats first in CLIP alone");
        (await RankAsync(FusionMethod.Off, 0.9)).Should().Equal(harbor);

        var json = await SearchJsonAsync(index, "harbor");
        output.WriteLine(json);
        json.Should().Contain("\"fusion\": \"weighted\"").And.Contain("\"channels\"").And.Contain("\"by\"");
    }

    [Fact]
    public async Task The_http_api_passes_the_fusion_method_through_and_says_which_channel_found_each_result()
    {
        var index = await EmbeddedIndexAsync();
        var copper = await ImageIdAsync(index, "COPPER");
        await PlantAsync(index, "zebra", copper);
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        using var clip = await ClipChannel.OpenAsync(store);
        await using var server = await Server.RunningServer.StartAsync(Server.RunningServer.Options(index, folder.Folder("thumbnails")) with { ReadOnly = true }, store, clip: clip);

        var fused = await server.Client.GetStringAsync("/api/search?q=zebra");
        var rrf = await server.Client.GetStringAsync("/api/search?q=zebra&fusion=rrf&clipWeight=0.5");
        var off = await server.Client.GetStringAsync("/api/search?q=zebra&fusion=off");
        var bad = await server.Client.GetAsync("/api/search?q=zebra&fusion=best");

        output.WriteLine(fused);
        fused.Should().Contain("\"fusion\":\"weighted\"").And.Contain($"\"id\":{copper},").And.Contain("\"by\":[\"clip\"]");
        rrf.Should().Contain("\"fusion\":\"rrf\"").And.Contain($"\"id\":{copper},");
        off.Should().NotContain("channels").And.NotContain("fusion").And.Contain("\"results\":[]");
        bad.StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest);
    }

    public void Dispose() => folder.Dispose();

    private const int FillerImages = 300;

    private async Task<string> EmbeddedIndexAsync()
    {
        var index = fixture.CopyIndex(folder);
        var registration = await EmbeddingFixture.RegisterAsync(index);
        await EmbeddingFixture.RunAsync(index, [], new IndexingOptions { Embedding = new EmbeddingOptions() });
        var random = new Random(5);
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index });
        await store.WriteAsync([.. Enumerable.Range(0, FillerImages).Select(i => new ImageDocument
        {
            Key = ImageKey.ForFile($"/filler/{i}.jpg"),
            Root = "/filler",
            Width = 10,
            Height = 10,
            Embeddings = [new EmbeddingDocument(EmbeddingOwnerKind.Image, registration.ModelId, UnitVector(random, registration.EmbeddingWidth), EmbeddingPrecision.Float16)],
        })]);
        return index;
    }

    private static float[] UnitVector(Random random, int width)
    {
        var vector = new float[width];
        for (var i = 0; i < width; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        Models.Clip.ClipVectors.Normalize(vector);
        return vector;
    }

    private async Task<long> ImageIdAsync(string index, string word)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        return (await store.FindImageAsync(ImageKey.ForFile(fixture.PathOf(word))))!.Id;
    }

    /// <summary>Makes the query's own CLIP embedding the whole-image embedding of <paramref name="imageId"/> (a planted match).</summary>
    private static async Task PlantAsync(string index, string query, long imageId)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index });
        float[] vector;
        string modelId;
        using (var clip = await ClipChannel.OpenAsync(store))
        {
            var info = await store.GetInfoAsync();
            vector = clip!.Embed(new QueryParser().Parse(query, info.Folding));
            modelId = clip.Registration.ModelId;
        }

        await store.ReplaceEmbeddingsAsync([new ImageEmbeddings(imageId, [new EmbeddingDocument(EmbeddingOwnerKind.Image, modelId, vector, EmbeddingPrecision.Float32)])]);
    }

    private static async Task<string> SearchJsonAsync(string index, string query, params string[] options)
    {
        var result = await CliProcess.RunAsync(["search", query, "--index", index, "--json", .. options]);
        result.ExitCode.Should().Be(0, result.ToString());
        return WithoutTime(result.Stdout);
    }

    /// <summary>The one field that differs between any two runs: how long the search took.</summary>
    private static string WithoutTime(string output) => Milliseconds().Replace(output, "TIME");

    [GeneratedRegex(@"""milliseconds"": [0-9.]+|\([0-9.]+ ms\)")]
    private static partial Regex Milliseconds();
}
