using Retrieval.Models.Text;
using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;
using Xunit.Abstractions;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.Store.Conformance;

/// <summary>What every <see cref="IIndexStore"/> stores and returns, identically.</summary>
public abstract class StoreRecordConformance(ITestOutputHelper output) : StoreConformanceTest(output)
{
    [Fact]
    public async Task Images_lines_words_and_lattices_round_trip()
    {
        if (Skipped())
        {
            return;
        }

        var lattice = new LatticeBuilder().Character("e").Character("x").Confused("l", 0.55f, "i", 0.4f).Character("t").Build();
        var document = Image("/photos/a.jpg", Line("exlt now", lattice), Line("中国银行", y: 50));
        using var store = await OpenAsync();

        var ids = await store.WriteAsync([document]);

        var image = await store.GetImageAsync(ids[0]);
        image.Should().NotBeNull();
        image!.Should().BeEquivalentTo(
            new { document.Key, document.Root, document.Size, document.Modified, document.ContentHash, document.Width, document.Height, Status = ImageStatus.Ok, Error = (string?)null, Kind = ImageSourceKind.File });
        (await store.FindImageAsync(ImageKey.ForFile("/photos/a.jpg"))).Should().Be(image);
        (await store.FindImageAsync(ImageKey.ForFile("/photos/b.jpg"))).Should().BeNull();

        var lines = await store.GetImageLinesAsync(ids[0]);
        lines.Should().HaveCount(2);
        lines.Select(l => l.Ordinal).Should().Equal(0, 1);
        lines[0].Should().BeEquivalentTo(new { ImageId = ids[0], Image = document.Key, document.Lines[0].Quad, Text = "exlt now", Confidence = 0.9f });
        lines[0].Words.Select(w => (w.Ordinal, w.Text, w.Quad)).Should().Equal(document.Lines[0].Words.Select((w, i) => (i, w.Text, w.Quad)));
        LatticeCodec.Encode(lines[0].Lattice).Should().Equal(LatticeCodec.Encode(lattice));
        lines[1].Text.Should().Be("中国银行");
        lines[1].Lattice.BestPath().Should().Be("中国银行");

        (await store.GetLinesAsync([lines[1].Id, 999_999, lines[0].Id])).Select(l => l.Id).Should().Equal(lines[0].Id, lines[1].Id);
        (await store.GetCountsAsync()).Should().Be(new IndexCounts(1, 2, 3, 0, 0));
    }

    [Fact]
    public async Task Video_frames_are_keyed_by_video_path_and_time()
    {
        if (Skipped())
        {
            return;
        }

        var frame = Image("/videos/v.mp4", "stop") with
        {
            Key = ImageKey.ForFrame("/videos/v.mp4", TimeSpan.FromSeconds(12.3456789)),
            FrameSpan = new FrameSpan(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)),
        };
        var later = frame with { Key = ImageKey.ForFrame("/videos/v.mp4", TimeSpan.FromSeconds(20)), FrameSpan = null };
        using var store = await OpenAsync();

        await store.WriteAsync([frame, later]);
        await store.WriteAsync([frame with { Lines = [Line("go")] }]);

        var stored = await store.FindImageAsync(frame.Key);
        stored!.Kind.Should().Be(ImageSourceKind.VideoFrame);
        stored.Key.FrameTime.Should().Be(TimeSpan.FromSeconds(12.3456789));
        stored.FrameSpan.Should().Be(frame.FrameSpan);
        (await store.GetImageLinesAsync(stored.Id)).Single().Text.Should().Be("go");
        (await store.GetCountsAsync()).Images.Should().Be(2);
        (await store.FindImageAsync(ImageKey.ForFile("/videos/v.mp4"))).Should().BeNull();
    }

    [Fact]
    public async Task Replacing_an_image_by_path_leaves_no_orphans()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        var first = (await store.WriteAsync([Image("/photos/a.jpg", "old sign text", "second old line"), Image("/photos/b.jpg", "keep me")]))[0];

        var second = (await store.WriteAsync([Image("/photos/a.jpg", "new words")]))[0];

        second.Should().NotBe(first);
        (await store.GetImageAsync(first)).Should().BeNull();
        (await store.GetCountsAsync()).Should().Be(new IndexCounts(2, 2, 4, 0, 0));
        (await store.CandidateLinesAsync("old sign", 10)).Should().BeEmpty();
        (await store.CandidateLinesAsync("new words", 10)).Should().ContainSingle();
        (await Target.OrphansAsync()).Should().Be(0);
    }

    [Fact]
    public async Task A_key_given_twice_in_one_batch_keeps_the_later_document()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();

        var ids = await store.WriteAsync([Image("/photos/a.jpg", "first"), Image("/photos/b.jpg", "other"), Image("/photos/a.jpg", "second")]);

        ids.Should().HaveCount(3).And.OnlyHaveUniqueItems().And.BeInAscendingOrder();
        (await store.GetImageAsync(ids[0])).Should().BeNull();
        (await store.GetImageLinesAsync(ids[2])).Single().Text.Should().Be("second");
        (await store.GetCountsAsync()).Images.Should().Be(2);
    }

    [Fact]
    public async Task Failed_images_are_recorded_with_their_reason_and_listed()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        await store.WriteAsync(
        [
            Image("/photos/ok.jpg", "fine"),
            ImageDocument.Failed(ImageKey.ForFile("/photos/bad.jpg"), Root, "truncated JPEG", size: 10),
            Image("/photos/half.jpg", "half") with { Status = ImageStatus.Incomplete, Error = "recognizer timed out" },
        ]);

        var failures = await store.ListFailuresAsync(10);

        failures.Select(f => (f.Key.Path, f.Status, f.Error)).Should().Equal(
            ("/photos/bad.jpg", ImageStatus.Failed, "truncated JPEG"),
            ("/photos/half.jpg", ImageStatus.Incomplete, "recognizer timed out"));
        (await store.ListFailuresAsync(1)).Should().HaveCount(1);
        (await store.GetCountsAsync()).Should().Be(new IndexCounts(3, 2, 2, 1, 1));

        // The next run fixes the image: it is replaced and no longer a failure.
        await store.WriteAsync([Image("/photos/bad.jpg", "repaired")]);
        (await store.ListFailuresAsync(10)).Select(f => f.Key.Path).Should().Equal("/photos/half.jpg");
    }

    [Fact]
    public async Task An_invalid_document_is_refused_before_anything_is_written()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();

        var act = () => store.WriteAsync([Image("/photos/a.jpg", "a"), Image("/photos/b.jpg", "b") with { Status = ImageStatus.Failed }]);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("/photos/b.jpg").And.Contain("error text");
        (await store.GetCountsAsync()).Images.Should().Be(0);
    }

    [Fact]
    public async Task Deleting_by_id_and_by_path_cascades_and_pruning_lists_images_under_a_root()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        var ids = await store.WriteAsync(
        [
            Image("/photos/a.jpg", "alpha"),
            Image("/photos/sub/b.jpg", "bravo"),
            Image("/photos-other/c.jpg", "charlie"),
            Image("/photos/sub/d.jpg", "delta"),
            Image("/videos/v.mp4", "frame one") with { Key = ImageKey.ForFrame("/videos/v.mp4", TimeSpan.FromSeconds(1)) },
            Image("/videos/v.mp4", "frame two") with { Key = ImageKey.ForFrame("/videos/v.mp4", TimeSpan.FromSeconds(2)) },
        ]);

        (await ToListAsync(store.ListImagesUnderAsync("/photos/"))).Select(i => i.Key.Path).Should().Equal("/photos/a.jpg", "/photos/sub/b.jpg", "/photos/sub/d.jpg");
        (await ToListAsync(store.ListImagesUnderAsync("/photos/sub/d.jpg"))).Should().ContainSingle();
        (await ToListAsync(store.ListImagesUnderAsync("/videos/v.mp4"))).Should().HaveCount(2);

        (await store.DeleteImagesAsync([ids[0], 12345])).Should().Be(1);
        (await store.DeletePathsAsync(["/photos/sub/b.jpg", "/videos/v.mp4", "/nowhere"])).Should().Be(3);

        (await ToListAsync(store.ListImagesUnderAsync("/"))).Select(i => i.Key.Path).Should().Equal("/photos-other/c.jpg", "/photos/sub/d.jpg");
        (await store.GetCountsAsync()).Should().Be(new IndexCounts(2, 2, 2, 0, 0));
        (await store.CandidateLinesAsync("alpha", 10)).Should().BeEmpty();
        (await store.CandidateLinesAsync("frame", 10)).Should().BeEmpty();
        (await store.CandidateLinesAsync("delta", 10)).Should().ContainSingle();
        (await Target.OrphansAsync()).Should().Be(0);
    }

    [Fact]
    public async Task All_lines_stream_in_id_order_with_their_words()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        await store.WriteAsync([Image("/photos/a.jpg", "one two", "three"), Image("/photos/b.jpg", Array.Empty<LineDocument>()), Image("/photos/c.jpg", "four five six")]);

        var lines = await ToListAsync(store.StreamLinesAsync());

        lines.Select(l => l.Text).Should().Equal("one two", "three", "four five six");
        lines.Select(l => l.Words.Count).Should().Equal(2, 1, 3);
        lines.Select(l => l.Id).Should().BeInAscendingOrder();
        lines[2].Image.Path.Should().Be("/photos/c.jpg");
    }

    [Fact]
    public async Task Embeddings_are_stored_with_their_image_and_removed_with_it()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        var image = Image("/photos/a.jpg", "exit") with
        {
            Embeddings =
            [
                new EmbeddingDocument(EmbeddingOwnerKind.Image, "clip-b32", [0.5f, -0.25f, 1f]),
                new EmbeddingDocument(EmbeddingOwnerKind.Line, "clip-b32", [1f, 2f, 3f], EmbeddingPrecision.Float16, LineIndex: 0),
                new EmbeddingDocument(EmbeddingOwnerKind.Region, "other", [1f], Region: Box(1, 2, 3, 4)),
            ],
        };
        var imageId = (await store.WriteAsync([image]))[0];
        var lineId = (await store.GetImageLinesAsync(imageId))[0].Id;

        var stored = await ToListAsync(store.StreamEmbeddingsAsync("clip-b32"));

        stored.Should().HaveCount(2);
        stored[0].Should().BeEquivalentTo(new { ImageId = imageId, Owner = EmbeddingOwnerKind.Image, LineId = (long?)null, Vector = new[] { 0.5f, -0.25f, 1f } });
        stored[1].Should().BeEquivalentTo(new { Owner = EmbeddingOwnerKind.Line, LineId = (long?)lineId, Precision = EmbeddingPrecision.Float16, Vector = new[] { 1f, 2f, 3f } });
        (await ToListAsync(store.StreamEmbeddingsAsync("other"))).Single().Region.Should().Be(Box(1, 2, 3, 4));

        await store.DeleteImagesAsync([imageId]);
        (await ToListAsync(store.StreamEmbeddingsAsync("clip-b32"))).Should().BeEmpty();
    }

    [Fact]
    public async Task Lattice_reads_return_the_stored_lines_without_words_by_id_and_image_by_image()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        var ids = await store.WriteAsync([Image("/photos/a.jpg", "one", "two", "three"), Image("/photos/b.jpg", "four"), Image("/photos/c.jpg", "five six", "seven")]);
        var lines = new List<StoredLine>();
        foreach (var id in ids)
        {
            lines.AddRange(await store.GetImageLinesAsync(id));
        }

        var byId = await store.GetLineLatticesAsync([lines[5].Id, lines[0].Id, 999_999, lines[3].Id, lines[0].Id]);
        var ofImages = await store.GetImageLineLatticesAsync([ids[2], ids[0]]);

        byId.Select(Describe).Should().Equal(new[] { lines[0], lines[3], lines[5] }.Select(Describe));
        ofImages.Select(Describe).Should().Equal(lines.Where(l => l.ImageId != ids[1]).Select(Describe));
        (await store.GetLineLatticesAsync([])).Should().BeEmpty();
        (await store.GetImageLineLatticesAsync([])).Should().BeEmpty();
    }

    private static string Describe(StoredLine line) => Describe(new StoredLattice(line.Id, line.ImageId, line.Ordinal, line.Quad, line.Text, line.Lattice));

    private static string Describe(StoredLattice line) =>
        $"{line.LineId} {line.ImageId} {line.Ordinal} {line.Quad} {line.Text} {Convert.ToHexString(LatticeCodec.Encode(line.Lattice))}";
}
