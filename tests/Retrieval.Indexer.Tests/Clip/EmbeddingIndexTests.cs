using Retrieval.Indexer.Pipeline;
using Retrieval.Indexer.Tests.EndToEnd;
using Retrieval.Models.Clip;
using Retrieval.Models.Imaging;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Indexer.Tests.Clip;

/// <summary><c>retrieval index --embed</c> with the tiny CLIP test model: what is stored, embedding an existing index, resuming, and model changes.</summary>
public sealed class EmbeddingIndexTests(EmbeddingFixture fixture) : IClassFixture<EmbeddingFixture>, IDisposable
{
    private static readonly IndexingOptions Embed = new() { Embedding = new EmbeddingOptions() };

    private readonly TempFolder folder = new("retrieval-embed-test-");

    [Fact]
    public async Task Embedding_an_indexed_folder_stores_a_whole_image_and_a_region_embedding_per_image_without_reading_the_text_again()
    {
        var index = fixture.CopyIndex(folder);
        var registration = await EmbeddingFixture.RegisterAsync(index);
        var linesBefore = await LineIdsAsync(index);

        var summary = await EmbeddingFixture.RunAsync(index, [], Embed);

        summary.Indexed.Should().Be(0, "no text is read again");
        summary.Embedding.Should().NotBeNull();
        summary.Embedding!.Images.Should().Be(EmbeddingFixture.Words.Length);
        summary.Embedding.Regions.Should().Be(EmbeddingFixture.Words.Length, "each image shows one line of text");
        (await LineIdsAsync(index)).Should().Equal(linesBefore, "the text records are the ones stored before");

        var stored = await EmbeddingFixture.EmbeddingsAsync(index, registration.ModelId);
        stored.Should().HaveCount(2 * EmbeddingFixture.Words.Length);
        stored.Should().OnlyContain(e => e.Precision == EmbeddingPrecision.Float16 && e.Vector.Length == registration.EmbeddingWidth);
        stored.Where(e => e.Owner == EmbeddingOwnerKind.Image).Should().HaveCount(EmbeddingFixture.Words.Length).And.OnlyContain(e => e.Region == null);
        stored.Where(e => e.Owner == EmbeddingOwnerKind.Region).Should().OnlyContain(e => e.Region != null);
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        (await ClipModelRegistration.ReadEmbeddedModelAsync(store)).Should().Be(registration.ModelId, "the index records which model made its embeddings");
        (await store.GetSettingAsync(ClipModelRegistration.EmbeddedFilesKey)).Should().Contain("text_model.onnx").And.Contain("vision_model.onnx");
    }

    [Fact]
    public async Task A_stored_whole_image_embedding_is_the_padded_image_embedded_directly_within_float16_rounding()
    {
        var index = fixture.CopyIndex(folder);
        var registration = await EmbeddingFixture.RegisterAsync(index);
        await EmbeddingFixture.RunAsync(index, [], Embed);

        var stored = await EmbeddingFixture.EmbeddingsAsync(index, registration.ModelId);
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        using var encoder = ClipImageEncoder.Open(ClipModelDirectory.Open(TinyClip.HuggingFace), new ClipEncoderOptions { ResizeMode = ClipResizeMode.Longest });
        foreach (var word in EmbeddingFixture.Words)
        {
            var image = await store.FindImageAsync(ImageKey.ForFile(fixture.PathOf(word)));
            var expected = encoder.Encode(ImageDecoder.Decode(await File.ReadAllBytesAsync(fixture.PathOf(word)), fixture.PathOf(word), ImageDecodeOptions.Default).Image);
            var whole = stored.Single(e => e.ImageId == image!.Id && e.Owner == EmbeddingOwnerKind.Image);
            ClipVectors.Cosine(whole.Vector, expected).Should().BeGreaterThan(0.9995f, word);
        }
    }

    [Fact]
    public async Task Indexing_new_files_with_embed_stores_text_and_embeddings_together()
    {
        var index = folder.Folder("fresh");
        var registration = await EmbeddingFixture.RegisterAsync(index);

        var summary = await EmbeddingFixture.RunAsync(index, [fixture.Images], Embed with { Embedding = new EmbeddingOptions { Precision = EmbeddingPrecision.Int8 } });

        summary.Indexed.Should().Be(EmbeddingFixture.Words.Length);
        summary.Embedding!.Images.Should().Be(EmbeddingFixture.Words.Length);
        var stored = await EmbeddingFixture.EmbeddingsAsync(index, registration.ModelId);
        stored.Should().HaveCount(2 * EmbeddingFixture.Words.Length).And.OnlyContain(e => e.Precision == EmbeddingPrecision.Int8);
        stored.Should().OnlyContain(e => Math.Abs(ClipVectors.Dot(e.Vector, e.Vector) - 1) < 0.02f, "int8 with a scale keeps unit vectors near unit length");
    }

    [Fact]
    public async Task An_embedding_run_that_stopped_part_way_resumes_with_the_images_it_had_not_committed()
    {
        var index = fixture.CopyIndex(folder);
        var registration = await EmbeddingFixture.RegisterAsync(index);
        await EmbeddingFixture.RunAsync(index, [], Embed);
        var complete = await EmbeddingFixture.EmbeddingsAsync(index, registration.ModelId);

        // The state a crash leaves: the batches committed before it hold their embeddings, the rest none.
        var lost = complete.Select(e => e.ImageId).Distinct().Order().Skip(1).Take(2).ToList();
        await using (var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index }))
        {
            (await store.ReplaceEmbeddingsAsync(lost.Select(id => new ImageEmbeddings(id, [])).ToList())).Should().Be(2);
        }

        var resumed = await EmbeddingFixture.RunAsync(index, [fixture.Images], Embed);

        resumed.Indexed.Should().Be(0);
        resumed.Skipped.Should().Be(EmbeddingFixture.Words.Length, "the text of every file is unchanged");
        resumed.Embedding!.Images.Should().Be(2, "only the images whose embeddings were not committed are embedded");
        var after = await EmbeddingFixture.EmbeddingsAsync(index, registration.ModelId);
        after.Should().HaveCount(complete.Count);
        after.GroupBy(e => e.ImageId).Should().OnlyContain(g => g.Count() == 2, "every image holds its embeddings once");
        (await EmbeddingFixture.RunAsync(index, [], Embed)).Embedding!.Images.Should().Be(0, "a finished index has nothing left to embed");
    }

    [Fact]
    public async Task Embedding_with_another_model_is_refused_until_forced_and_forcing_replaces_every_embedding()
    {
        var index = fixture.CopyIndex(folder);
        var first = await EmbeddingFixture.RegisterAsync(index, TinyClip.HuggingFace);
        await EmbeddingFixture.RunAsync(index, [], Embed);
        var second = await EmbeddingFixture.RegisterAsync(index, TinyClip.OpenClip);
        second.ModelId.Should().NotBe(first.ModelId);

        var refused = () => EmbeddingFixture.RunAsync(index, [], Embed);

        (await refused.Should().ThrowAsync<IndexMismatchException>())
            .WithMessage("*embeddings made by another model*--embed --force*");
        (await EmbeddingFixture.EmbeddingsAsync(index, first.ModelId)).Should().HaveCount(2 * EmbeddingFixture.Words.Length, "a refused run changes nothing");

        var forced = await EmbeddingFixture.RunAsync(index, [], Embed with { Force = true });

        forced.Embedding!.Images.Should().Be(EmbeddingFixture.Words.Length);
        (await EmbeddingFixture.EmbeddingsAsync(index, first.ModelId)).Should().BeEmpty("the old model's embeddings are replaced");
        (await EmbeddingFixture.EmbeddingsAsync(index, second.ModelId)).Should().HaveCount(2 * EmbeddingFixture.Words.Length);
    }

    [Fact]
    public async Task Embedding_an_index_with_no_registered_model_fails_with_the_command_that_registers_one()
    {
        var index = fixture.CopyIndex(folder);

        var run = () => EmbeddingFixture.RunAsync(index, [], Embed);

        (await run.Should().ThrowAsync<IndexStoreException>()).WithMessage("*no CLIP model is registered*retrieval models add-clip*");
    }

    [Fact]
    public async Task Embedding_into_a_postgres_store_is_refused_with_a_usage_error_before_connecting()
    {
        var result = await CliProcess.RunAsync(["index", "--embed", "--store", "postgres://nobody@127.0.0.1:1/none"]);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain("--embed needs a SQLite index");
    }

    [Fact]
    public async Task Rebuilding_with_embed_keeps_the_registered_model()
    {
        var index = fixture.CopyIndex(folder);
        var registration = await EmbeddingFixture.RegisterAsync(index);
        var options = await Commands.EmbeddingCommandOptions.KeepRegistrationAsync(index, Embed with { Rebuild = true }, CancellationToken.None);

        var summary = await EmbeddingFixture.RunAsync(index, [fixture.Images], options);

        summary.Indexed.Should().Be(EmbeddingFixture.Words.Length);
        summary.Embedding!.Images.Should().Be(EmbeddingFixture.Words.Length);
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        (await ClipModelRegistration.ReadAsync(store)).Should().Be(registration);
    }

    public void Dispose() => folder.Dispose();

    private static async Task<List<long>> LineIdsAsync(string index)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        var ids = new List<long>();
        await foreach (var line in store.StreamLinesAsync())
        {
            ids.Add(line.Id);
        }

        return ids;
    }
}
