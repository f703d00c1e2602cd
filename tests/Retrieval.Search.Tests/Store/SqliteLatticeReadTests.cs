using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.Store;

public sealed class SqliteLatticeReadTests : IDisposable
{
    private readonly TempIndexDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Lattices_by_line_id_are_the_stored_lines_without_their_words_in_id_order()
    {
        using var store = directory.Open();
        await store.WriteAsync([Image("/photos/a.jpg", "grand hotel", "exit"), Image("/photos/b.jpg", "hotel spa", "open", "daily")]);
        var lines = await AllLinesAsync(store);
        var ids = new[] { lines[4].Id, lines[0].Id, 999_999, lines[2].Id };

        var lattices = await store.GetLineLatticesAsync(ids);

        lattices.Select(Describe).Should().Equal(new[] { lines[0], lines[2], lines[4] }.Select(Describe));
        (await store.GetLineLatticesAsync([])).Should().BeEmpty();
    }

    [Fact]
    public async Task Lattices_of_images_come_image_by_image_in_reading_order()
    {
        using var store = directory.Open();
        var ids = await store.WriteAsync([Image("/photos/a.jpg", "one", "two", "three"), Image("/photos/b.jpg", "four"), Image("/photos/c.jpg", "five", "six")]);
        var lines = await AllLinesAsync(store);

        var lattices = await store.GetImageLineLatticesAsync([ids[2], ids[0]]);

        lattices.Select(l => l.Text).Should().Equal("one", "two", "three", "five", "six");
        lattices.Select(Describe).Should().Equal(lines.Where(l => l.ImageId != ids[1]).Select(Describe));
    }

    [Fact]
    public async Task A_store_without_its_own_lattice_reads_gets_the_same_answers_from_the_interface_defaults()
    {
        using var store = directory.Open();
        var ids = await store.WriteAsync([Image("/photos/a.jpg", "one", "two"), Image("/photos/b.jpg", "three")]);
        var lines = await AllLinesAsync(store);
        IIndexStore defaults = new StoreWithoutLatticeReads(store);

        (await defaults.GetLineLatticesAsync([lines[2].Id, lines[0].Id])).Should().BeEquivalentTo(await store.GetLineLatticesAsync([lines[2].Id, lines[0].Id]), o => o.WithStrictOrdering());
        (await defaults.GetImageLineLatticesAsync([ids[1], ids[0]])).Should().BeEquivalentTo(await store.GetImageLineLatticesAsync([ids[1], ids[0]]), o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_negative_reader_memory_map_size_is_rejected()
    {
        var act = () => (directory.Options with { ReaderMemoryMapBytes = -1 }).Validate();

        act.Should().Throw<ArgumentException>().WithMessage("*ReaderMemoryMapBytes*");
    }

    [Fact]
    public async Task An_index_read_without_memory_mapping_reads_the_same_lattices()
    {
        using (var store = directory.Open())
        {
            await store.WriteAsync([Image("/photos/a.jpg", Line("exit", new LatticeBuilder().Character("e").Confused("x", 0.6f, "k", 0.3f).Character("i").Character("t").Build()))]);
        }

        using var mapped = SqliteIndexStore.Open(directory.Options with { ReadOnly = true });
        using var unmapped = SqliteIndexStore.Open(directory.Options with { ReadOnly = true, ReaderMemoryMapBytes = 0 });
        var ids = (await AllLinesAsync(mapped)).Select(l => l.Id).ToList();

        (await unmapped.GetLineLatticesAsync(ids)).Select(Describe).Should().Equal((await mapped.GetLineLatticesAsync(ids)).Select(Describe));
    }

    private static async Task<List<StoredLine>> AllLinesAsync(IIndexStore store)
    {
        var lines = new List<StoredLine>();
        await foreach (var line in store.StreamLinesAsync())
        {
            lines.Add(line);
        }

        return lines;
    }

    private static string Describe(StoredLine line) => Describe(new StoredLattice(line.Id, line.ImageId, line.Ordinal, line.Quad, line.Text, line.Lattice));

    private static string Describe(StoredLattice line)
    {
        var steps = Enumerable.Range(0, line.Lattice.Steps).Select(t =>
            $"{line.Lattice.BlankProbability(t)}:{string.Join(',', line.Lattice.SymbolsAt(t).ToArray())}/{string.Join(',', line.Lattice.ProbabilitiesAt(t).ToArray())}");
        return $"{line.LineId} {line.ImageId} {line.Ordinal} {line.Quad} {line.Text} {string.Join(' ', steps)}";
    }

    /// <summary>
    /// A stand-in for a store that implements only the required members (as a new backend might):
    /// it forwards everything else to SQLite, so the lattice reads run the interface's defaults.
    /// </summary>
    private sealed class StoreWithoutLatticeReads(IIndexStore inner) : IIndexStore
    {
        public Task<IndexInfo> GetInfoAsync(CancellationToken cancellationToken = default) => inner.GetInfoAsync(cancellationToken);

        public Task EnsureModelsAsync(IReadOnlyDictionary<string, string> modelHashes, Models.Text.TextFolding folding, bool rebuild, CancellationToken cancellationToken = default) =>
            inner.EnsureModelsAsync(modelHashes, folding, rebuild, cancellationToken);

        public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default) => inner.GetSettingAsync(key, cancellationToken);

        public Task SetSettingAsync(string key, string? value, CancellationToken cancellationToken = default) => inner.SetSettingAsync(key, value, cancellationToken);

        public Task<IReadOnlyList<long>> WriteAsync(IReadOnlyList<ImageDocument> batch, CancellationToken cancellationToken = default) => inner.WriteAsync(batch, cancellationToken);

        public Task<int> DeleteImagesAsync(IReadOnlyList<long> imageIds, CancellationToken cancellationToken = default) => inner.DeleteImagesAsync(imageIds, cancellationToken);

        public Task<int> DeletePathsAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken = default) => inner.DeletePathsAsync(paths, cancellationToken);

        public Task<StoredImage?> FindImageAsync(ImageKey key, CancellationToken cancellationToken = default) => inner.FindImageAsync(key, cancellationToken);

        public Task<StoredImage?> GetImageAsync(long imageId, CancellationToken cancellationToken = default) => inner.GetImageAsync(imageId, cancellationToken);

        public IAsyncEnumerable<StoredImage> ListImagesUnderAsync(string root, CancellationToken cancellationToken = default) => inner.ListImagesUnderAsync(root, cancellationToken);

        public Task<IReadOnlyList<StoredImage>> ListFailuresAsync(int limit, CancellationToken cancellationToken = default) => inner.ListFailuresAsync(limit, cancellationToken);

        public Task<IndexCounts> GetCountsAsync(CancellationToken cancellationToken = default) => inner.GetCountsAsync(cancellationToken);

        public Task<IReadOnlyList<StoredLine>> GetLinesAsync(IReadOnlyList<long> lineIds, CancellationToken cancellationToken = default) => inner.GetLinesAsync(lineIds, cancellationToken);

        public Task<IReadOnlyList<StoredLine>> GetImageLinesAsync(long imageId, CancellationToken cancellationToken = default) => inner.GetImageLinesAsync(imageId, cancellationToken);

        public IAsyncEnumerable<StoredLine> StreamLinesAsync(CancellationToken cancellationToken = default) => inner.StreamLinesAsync(cancellationToken);

        public IAsyncEnumerable<StoredEmbedding> StreamEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default) => inner.StreamEmbeddingsAsync(modelId, cancellationToken);

        public Task<IReadOnlyList<LineCandidate>> CandidateLinesAsync(string term, int limit, CancellationToken cancellationToken = default) => inner.CandidateLinesAsync(term, limit, cancellationToken);

        public void Dispose()
        {
            // The wrapped store belongs to the test.
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
