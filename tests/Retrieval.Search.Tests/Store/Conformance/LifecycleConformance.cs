using Retrieval.Models.Text;
using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;
using Xunit.Abstractions;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.Store.Conformance;

/// <summary>Opening, model checks, rebuilds, read-only use, transactions and concurrent readers, on every store.</summary>
public abstract class LifecycleConformance(ITestOutputHelper output) : StoreConformanceTest(output)
{
    [Fact]
    public async Task A_new_index_reports_its_versions_and_default_folding()
    {
        if (Skipped())
        {
            return;
        }

        using (var store = await OpenAsync())
        {
            await store.WriteAsync([Image("/photos/a.jpg", "hello")]);
        }

        using var reopened = await OpenAsync(readOnly: true);
        var info = await reopened.GetInfoAsync();
        info.Should().BeEquivalentTo(new { LatticeFormatVersion = (int)LatticeCodec.Version, Folding = TextFolding.Default });
        info.SchemaVersion.Should().BePositive();
        info.Created.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        (await reopened.GetCountsAsync()).Lines.Should().Be(1);
    }

    [Fact]
    public async Task Indexing_with_other_models_is_refused_until_rebuild_clears_the_index()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        await store.EnsureModelsAsync(ModelHashes, TextFolding.Default, rebuild: false);
        await store.WriteAsync([Image("/photos/a.jpg", "hello")]);
        await store.EnsureModelsAsync(ModelHashes.ToDictionary(m => m.Key, m => m.Value.ToUpperInvariant()), TextFolding.Default, rebuild: false);

        var other = new Dictionary<string, string>(ModelHashes) { ["rec"] = "3333333333333333", ["cls"] = "4444" };
        var act = () => store.EnsureModelsAsync(other, TextFolding.Case, rebuild: false);

        var error = (await act.Should().ThrowAsync<IndexMismatchException>()).Which;
        error.Message.Should().Contain("retrieval index --rebuild");
        error.Differences.Should().HaveCount(3).And.Contain(d => d.Contains("'rec'")).And.Contain(d => d.Contains("'cls'")).And.Contain(d => d.Contains("folding"));
        (await store.GetCountsAsync()).Images.Should().Be(1);

        await store.EnsureModelsAsync(other, TextFolding.Case, rebuild: true);

        (await store.GetCountsAsync()).Images.Should().Be(0);
        var info = await store.GetInfoAsync();
        info.Models.Should().BeEquivalentTo(other);
        info.Folding.Should().Be(TextFolding.Case);
        await store.WriteAsync([Image("/photos/b.jpg", "again")]);
        (await store.CandidateLinesAsync("again", 5)).Should().ContainSingle();
    }

    [Fact]
    public async Task Settings_are_stored_replaced_and_removed_and_a_rebuild_clears_them()
    {
        if (Skipped())
        {
            return;
        }

        using (var store = await OpenAsync())
        {
            (await store.GetSettingAsync("clip.model")).Should().BeNull();
            await store.SetSettingAsync("clip.model", "vit-b32");
            await store.SetSettingAsync("clip.model", "vit-l14");
            await store.SetSettingAsync("schema_version", "not the store's own key");
            (await store.GetSettingAsync("clip.model")).Should().Be("vit-l14");
            (await store.GetInfoAsync()).SchemaVersion.Should().BePositive();
            await store.SetSettingAsync("schema_version", null);
            (await store.GetSettingAsync("schema_version")).Should().BeNull();
        }

        using (var reader = await OpenAsync(readOnly: true))
        {
            (await reader.GetSettingAsync("clip.model")).Should().Be("vit-l14");
        }

        using var rebuilt = await OpenAsync(rebuild: true);
        (await rebuilt.GetSettingAsync("clip.model")).Should().BeNull();
    }

    [Fact]
    public async Task Ids_are_not_reused_after_a_rebuild()
    {
        if (Skipped())
        {
            return;
        }

        long before;
        using (var store = await OpenAsync())
        {
            before = (await store.WriteAsync([Image("/photos/a.jpg", "hello")]))[0];
        }

        using var rebuilt = await OpenAsync(rebuild: true);
        (await rebuilt.GetCountsAsync()).Images.Should().Be(0);
        (await rebuilt.WriteAsync([Image("/photos/a.jpg", "hello")]))[0].Should().BeGreaterThan(before);
    }

    [Fact]
    public async Task A_read_only_store_reads_while_another_store_writes_and_refuses_to_write()
    {
        if (Skipped())
        {
            return;
        }

        using var writer = await OpenAsync();
        await writer.WriteAsync([Image("/photos/a.jpg", "hello")]);
        using var reader = await OpenAsync(readOnly: true);

        await writer.WriteAsync([Image("/photos/b.jpg", "world")]);

        (await reader.GetCountsAsync()).Images.Should().Be(2);
        var act = () => reader.WriteAsync([Image("/photos/c.jpg", "x")]);
        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("read-only");
    }

    [Fact]
    public async Task An_exception_in_the_middle_of_a_batch_rolls_the_whole_batch_back()
    {
        if (Skipped())
        {
            return;
        }

        using (var store = await OpenAsync())
        {
            await store.WriteAsync([Image("/photos/a.jpg", "kept")]);

            // The lattice of the second image cannot be encoded (256 entries at one step), after the
            // first image of the batch, which replaces a.jpg, has been prepared.
            var tooWide = new LatticeBuilder().Step(0f, Enumerable.Range(0, 256).Select(i => (char.ConvertFromUtf32(0x4e00 + i), 0.001f)).ToArray()).Build();
            var act = () => store.WriteAsync([Image("/photos/a.jpg", "replaced"), Image("/photos/b.jpg", Line("bad", tooWide))]);

            await act.Should().ThrowAsync<ArgumentException>();
            (await store.GetCountsAsync()).Should().Be(new IndexCounts(1, 1, 1, 0, 0));
            (await store.CandidateLinesAsync("kept", 5)).Should().ContainSingle();
            (await store.CandidateLinesAsync("replaced", 5)).Should().BeEmpty();

            await store.WriteAsync([Image("/photos/c.jpg", "after")]);
        }

        using var reopened = await OpenAsync();
        (await reopened.GetCountsAsync()).Images.Should().Be(2);
    }

    [Fact]
    public async Task A_cancelled_batch_writes_nothing()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        var act = () => store.WriteAsync([Image("/photos/a.jpg", "x")], cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        (await store.GetCountsAsync()).Images.Should().Be(0);
    }

    [Fact]
    public async Task Readers_see_whole_batches_while_a_writer_writes()
    {
        if (Skipped())
        {
            return;
        }

        const int Batches = 16;
        const int ImagesPerBatch = 10;
        using var store = await OpenAsync();
        using var separateReader = await OpenAsync(readOnly: true);
        var reads = 0;

        var writer = Task.Run(async () =>
        {
            for (var b = 0; b < Batches; b++)
            {
                // Every other batch replaces the images of the one before, so readers also race deletes.
                var first = (b % 2 == 0 ? b : b - 1) * ImagesPerBatch;
                await store.WriteAsync(Enumerable.Range(first, ImagesPerBatch).Select(i => Image($"/photos/{i}.jpg", $"batch {b} image {i}", "second line here")).ToList());
            }
        });
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            var source = r == 0 ? separateReader : store;
            while (!writer.IsCompleted)
            {
                var counts = await source.GetCountsAsync();
                counts.Images.Should().Be(counts.Images / ImagesPerBatch * ImagesPerBatch);
                counts.Lines.Should().Be(counts.Images * 2);
                counts.Words.Should().Be(counts.Images * 7);

                // Candidates and lines are two reads: lines replaced in between are simply missing.
                var candidates = await source.CandidateLinesAsync("image", 20);
                var lines = await source.GetLinesAsync(candidates.Select(c => c.LineId).ToList());
                lines.Should().NotContain(l => l.Words.Count != 4 || l.Lattice.BestPath() != l.Text);
                Interlocked.Increment(ref reads);
            }
        })).ToList();

        await Task.WhenAll(readers.Append(writer));

        Output.WriteLine($"{reads} consistent read rounds during {Batches} batches");
        reads.Should().BeGreaterThan(0);
        (await store.GetCountsAsync()).Images.Should().Be((Batches + 1) / 2 * ImagesPerBatch);
    }
}
