using Microsoft.Extensions.Logging;
using Retrieval.Models.Clip;
using Retrieval.Search.Store;
using Retrieval.Search.Tests.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Search.Tests.Vectors;

/// <summary>
/// The memory-mapped vector file: same hits as the in-memory index, rebuilt from SQLite when missing, stale or damaged
/// (and saying so), never used when stale. Real SQLite, real files, real mappings.
/// </summary>
public sealed class ClipVectorFileTests : IDisposable
{
    private const string Model = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const int Width = 48;

    private readonly TempIndexDirectory directory = new();
    private readonly RecordingLogger log = new();

    [Theory]
    [InlineData(EmbeddingPrecision.Float32)]
    [InlineData(EmbeddingPrecision.Float16)]
    public async Task A_mapped_index_finds_exactly_what_the_in_memory_index_finds(EmbeddingPrecision precision)
    {
        await using var store = directory.Open();
        await FillAsync(store, images: 120, seed: 3);

        using var memory = await ClipVectorIndex.LoadAsync(store, Model, precision);
        using var mapped = await ClipVectorIndex.OpenAsync(store, Model, precision, log);
        var query = UnitVector(new Random(9));

        mapped.FilePath.Should().Be(ClipVectorFiles.PathFor(store.VectorFileDirectory, Model, precision));
        mapped.Count.Should().Be(memory.Count);
        mapped.ImageCount.Should().Be(memory.ImageCount);
        var expected = memory.Search(query, 25);
        var found = mapped.Search(query, 25);
        found.Select(h => (h.ImageId, h.Similarity)).Should().Equal(expected.Select(h => (h.ImageId, h.Similarity)), "the same numbers are scanned in the same order per image");
        found.Select(h => mapped.Region(h.Row)).Should().Equal(expected.Select(h => memory.Region(h.Row)), "each hit names the region that matched");
        var scan = mapped.Scan(query);
        scan.Mean.Should().Be(memory.Scan(query).Mean);
        scan.TryGet(expected[^1].ImageId, out var last).Should().BeTrue();
        last.Similarity.Should().Be(expected[^1].Similarity);
        scan.TryGet(-5, out _).Should().BeFalse();
    }

    [Fact]
    public async Task An_int8_file_keeps_a_scale_per_row_and_scores_within_rounding_of_float32()
    {
        await using var store = directory.Open();
        await FillAsync(store, images: 80, seed: 4);

        using var exact = await ClipVectorIndex.LoadAsync(store, Model, EmbeddingPrecision.Float32);
        using var int8 = await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Int8, log);
        var query = UnitVector(new Random(10));

        int8.Precision.Should().Be(EmbeddingPrecision.Int8);
        int8.BytesPerRow.Should().Be(64 + 32 + 4, "a 48-byte row padded to 64, its region and its scale");
        var expected = exact.Search(query, 10);
        var found = int8.Search(query, 10);
        found.Select(h => h.ImageId).Intersect(expected.Select(h => h.ImageId)).Should().HaveCountGreaterThanOrEqualTo(8);
        foreach (var hit in found)
        {
            exact.Scan(query).TryGet(hit.ImageId, out var reference).Should().BeTrue();
            hit.Similarity.Should().BeApproximately(reference.Similarity, 0.02f);
        }
    }

    [Fact]
    public async Task A_missing_file_is_built_and_then_used_without_rebuilding()
    {
        await using var store = directory.Open();
        await FillAsync(store, images: 10, seed: 5);

        using (await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Float16, log))
        {
        }

        var path = ClipVectorFiles.PathFor(store.VectorFileDirectory, Model, EmbeddingPrecision.Float16);
        var written = File.GetLastWriteTimeUtc(path);
        log.Messages.Should().Contain(m => m.Contains("Building the CLIP vector file", StringComparison.Ordinal));
        log.Clear();

        using var again = await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Float16, log);

        again.FilePath.Should().Be(path);
        File.GetLastWriteTimeUtc(path).Should().Be(written);
        log.Messages.Should().BeEmpty("a current file is used as it is");
    }

    [Fact]
    public async Task A_truncated_file_is_detected_and_rebuilt_from_the_index()
    {
        await using var store = directory.Open();
        await FillAsync(store, images: 30, seed: 6);
        var path = await BuildAsync(store);
        var length = new FileInfo(path).Length;
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(length - 100);
        }

        using var index = await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Float16, log);

        log.Messages.Should().ContainSingle(m => m.Contains("is unusable", StringComparison.Ordinal) && m.Contains("truncated", StringComparison.Ordinal));
        new FileInfo(path).Length.Should().Be(length);
        index.Count.Should().Be(60);
        index.Search(UnitVector(new Random(1)), 5).Should().HaveCount(5);
    }

    [Theory]
    [InlineData(20, "header checksum")]
    [InlineData(-6, "image tables")]
    [InlineData(0, "not a vector file")]
    public async Task A_damaged_file_is_detected_and_rebuilt_from_the_index(int at, string reason)
    {
        await using var store = directory.Open();
        await FillAsync(store, images: 30, seed: 7);
        var path = await BuildAsync(store);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[at >= 0 ? at : bytes.Length + at] ^= 0x5A;
        await File.WriteAllBytesAsync(path, bytes);

        using var index = await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Float16, log);

        log.Messages.Should().ContainSingle(m => m.Contains("rebuilding it from the index", StringComparison.Ordinal) && m.Contains(reason, StringComparison.Ordinal));
        index.Count.Should().Be(60);
        (await File.ReadAllBytesAsync(path))[at >= 0 ? at : bytes.Length + at].Should().Be((byte)(bytes[at >= 0 ? at : bytes.Length + at] ^ 0x5A), "the file was written again");
    }

    [Fact]
    public async Task A_stale_file_is_never_used_when_rows_were_added_after_it_was_written()
    {
        await using var store = directory.Open();
        await FillAsync(store, images: 20, seed: 8);
        var path = await BuildAsync(store);
        var stale = await File.ReadAllBytesAsync(path);
        var query = UnitVector(new Random(2));
        var added = await store.WriteAsync([Image("/photos/new.jpg", Embedding(query))]);

        using var index = await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Float16, log);

        log.Messages.Should().ContainSingle(m => m.Contains("is stale", StringComparison.Ordinal));
        index.Count.Should().Be(41);
        index.Search(query, 1).Should().ContainSingle().Which.ImageId.Should().Be(added[0], "the image added after the file was written is found");
        (await File.ReadAllBytesAsync(path)).Should().NotEqual(stale);
    }

    [Fact]
    public async Task What_a_writer_that_crashed_left_behind_is_never_read_and_is_cleaned_up_by_the_next_build()
    {
        await using var store = directory.Open();
        await FillAsync(store, images: 10, seed: 13);
        var path = await BuildAsync(store);
        var good = await File.ReadAllBytesAsync(path);
        var abandoned = path + ".tmp-" + Guid.NewGuid().ToString("N");
        await File.WriteAllBytesAsync(abandoned, good.AsSpan(0, good.Length / 2).ToArray());
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow - TimeSpan.FromHours(2));

        using (var index = await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Float16, log))
        {
            index.Count.Should().Be(20, "the renamed file is the whole one; a half-written temporary file is never opened");
            log.Messages.Should().BeEmpty();
        }

        await store.WriteAsync([Image("/photos/more.jpg", Embedding(UnitVector(new Random(4))))]);
        using var rebuilt = await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Float16, log);

        rebuilt.Count.Should().Be(21);
        File.Exists(abandoned).Should().BeFalse("a temporary file older than any running build is deleted");
        Directory.GetFiles(store.VectorFileDirectory, "*.tmp-*").Should().BeEmpty();
    }

    [Fact]
    public async Task A_file_of_an_index_whose_writer_did_not_raise_the_generation_is_still_stale_by_its_rows()
    {
        await using var store = directory.Open();
        await FillAsync(store, images: 20, seed: 11);
        await BuildAsync(store);
        var ids = new List<long>();
        await foreach (var image in store.ListImagesUnderAsync("/photos"))
        {
            ids.Add(image.Id);
        }

        // A writer that raised the generation and one that did not look the same to a file: put the generation back.
        var before = await store.GetEmbeddingGenerationAsync();
        await store.DeleteImagesAsync([ids[0]]);
        await SetGenerationAsync(store, before);

        using var index = await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Float16, log);

        log.Messages.Should().ContainSingle(m => m.Contains("is stale", StringComparison.Ordinal));
        index.Count.Should().Be(38);
    }

    [Fact]
    public async Task The_embedding_generation_moves_with_every_change_to_embeddings_and_only_then()
    {
        await using var store = directory.Open();
        var start = await store.GetEmbeddingGenerationAsync();
        var text = await store.WriteAsync([StoreTestData.Image("/photos/text.jpg", "harbor")]);
        (await store.GetEmbeddingGenerationAsync()).Should().Be(start, "text alone changes no embedding");

        var embedded = await store.WriteAsync([Image("/photos/a.jpg", Embedding(UnitVector(new Random(3))))]);
        var afterAdd = await store.GetEmbeddingGenerationAsync();
        await store.DeleteImagesAsync(text);
        var afterTextDelete = await store.GetEmbeddingGenerationAsync();
        await store.WriteAsync([Image("/photos/a.jpg")]);
        var afterReplace = await store.GetEmbeddingGenerationAsync();
        await store.ReplaceEmbeddingsAsync([new ImageEmbeddings((await store.FindImageAsync(ImageKey.ForFile("/photos/a.jpg")))!.Id, [Embedding(UnitVector(new Random(4)))])]);
        var afterReplaceEmbeddings = await store.GetEmbeddingGenerationAsync();
        await store.DeletePathsAsync(["/photos/a.jpg"]);
        var afterPathDelete = await store.GetEmbeddingGenerationAsync();

        afterAdd.Should().BeGreaterThan(start);
        afterTextDelete.Should().Be(afterAdd);
        afterReplace.Should().BeGreaterThan(afterTextDelete, "replacing an embedded image drops its embeddings");
        afterReplaceEmbeddings.Should().BeGreaterThan(afterReplace);
        afterPathDelete.Should().BeGreaterThan(afterReplaceEmbeddings);
        embedded.Should().ContainSingle();

        await store.EnsureModelsAsync(StoreTestData.ModelHashes, Models.Text.TextFolding.Default, rebuild: true);
        (await store.GetEmbeddingGenerationAsync()).Should().BeGreaterThan(afterPathDelete, "a rebuild keeps counting, so no file of the old index matches the new one");
    }

    [Fact]
    public async Task A_model_with_no_embeddings_gets_an_empty_index_and_no_file()
    {
        await using var store = directory.Open();
        await store.WriteAsync([StoreTestData.Image("/photos/text.jpg", "harbor")]);

        using var index = await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Float16, log);

        index.Count.Should().Be(0);
        index.Search(new float[1], 3).Should().BeEmpty();
        Directory.Exists(store.VectorFileDirectory).Should().BeFalse();
    }

    [Fact]
    public async Task A_disposed_mapped_index_refuses_to_scan_instead_of_reading_unmapped_memory()
    {
        await using var store = directory.Open();
        await FillAsync(store, images: 5, seed: 12);
        var index = await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Float32, log);
        index.Dispose();

        var scan = () => index.Search(UnitVector(new Random(1)), 3);

        scan.Should().Throw<ObjectDisposedException>();
    }

    public void Dispose() => directory.Dispose();

    /// <summary>Images with an image embedding and one region embedding each, written in two passes so rows of an image are not adjacent by id.</summary>
    internal static async Task FillAsync(SqliteIndexStore store, int images, int seed)
    {
        var random = new Random(seed);
        var ids = await store.WriteAsync([.. Enumerable.Range(0, images).Select(i => Image($"/photos/{i}.jpg", Embedding(UnitVector(random))))]);
        await store.ReplaceEmbeddingsAsync([.. ids.Reverse().Select(id => new ImageEmbeddings(id, [
            Embedding(UnitVector(random)),
            Embedding(UnitVector(random), StoreTestData.Box(random.Next(100), random.Next(100), 40, 12)),
        ]))]);
    }

    private async Task<string> BuildAsync(SqliteIndexStore store)
    {
        using (await ClipVectorIndex.OpenAsync(store, Model, EmbeddingPrecision.Float16, log))
        {
        }

        log.Clear();
        return ClipVectorFiles.PathFor(store.VectorFileDirectory, Model, EmbeddingPrecision.Float16);
    }

    private static async Task SetGenerationAsync(SqliteIndexStore store, long generation)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE meta SET value = $value WHERE key = 'embedding_generation'";
        command.Parameters.AddWithValue("$value", generation.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync();
    }

    private static ImageDocument Image(string path, params EmbeddingDocument[] embeddings) => new()
    {
        Key = ImageKey.ForFile(path),
        Root = StoreTestData.Root,
        Width = 100,
        Height = 100,
        Embeddings = embeddings,
    };

    private static EmbeddingDocument Embedding(float[] vector, Models.Geometry.Quad? region = null) =>
        new(region is null ? EmbeddingOwnerKind.Image : EmbeddingOwnerKind.Region, Model, vector, EmbeddingPrecision.Float32, Region: region);

    internal static float[] UnitVector(Random random)
    {
        var vector = new float[Width];
        for (var i = 0; i < Width; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        ClipVectors.Normalize(vector);
        return vector;
    }
}

/// <summary>An <see cref="ILogger"/> that keeps the formatted messages, to assert what was logged.</summary>
internal sealed class RecordingLogger : ILogger
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

    public void Clear()
    {
        lock (messages)
        {
            messages.Clear();
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
