using Retrieval.Search.Store;

namespace Retrieval.Search.Tests.Store;

/// <summary>What <c>index --embed</c> asks of the SQLite store: add and replace embeddings of indexed images, find those without, delete another model's.</summary>
public sealed class EmbeddingStoreTests : IDisposable
{
    private readonly TempIndexDirectory directory = new();

    [Fact]
    public async Task Embeddings_added_to_indexed_images_round_trip_and_replace_the_images_earlier_ones()
    {
        await using var store = directory.Open();
        var ids = await store.WriteAsync([StoreTestData.Image("/photos/a.jpg", "harbor"), StoreTestData.Image("/photos/b.jpg", "meadow")]);
        var region = StoreTestData.Box(1, 2, 30, 10);

        var written = await store.ReplaceEmbeddingsAsync(
        [
            new ImageEmbeddings(ids[0], [Embedding(EmbeddingOwnerKind.Image, "m1", 1, 0), Embedding(EmbeddingOwnerKind.Region, "m1", 0, 1, region)]),
            new ImageEmbeddings(ids[1], [Embedding(EmbeddingOwnerKind.Image, "m1", 0.6f, 0.8f)]),
        ]);

        written.Should().Be(2);
        var stored = await ListAsync(store, "m1");
        stored.Select(e => (e.ImageId, e.Owner, e.Region)).Should().Equal((ids[0], EmbeddingOwnerKind.Image, null), (ids[0], EmbeddingOwnerKind.Region, region), (ids[1], EmbeddingOwnerKind.Image, null));
        stored[2].Vector.Should().Equal([0.6f, 0.8f, 0f, 0f], (a, b) => Math.Abs(a - b) < 1e-3f);
        (await store.CountEmbeddingsAsync("m1")).Should().Be(new EmbeddingCounts(3, 2));

        await store.ReplaceEmbeddingsAsync([new ImageEmbeddings(ids[0], [Embedding(EmbeddingOwnerKind.Image, "m1", 0, 0, null, 1)])]);

        (await ListAsync(store, "m1")).Where(e => e.ImageId == ids[0]).Should().ContainSingle().Which.Vector[2].Should().Be(1f, "the image's earlier embeddings are replaced");
        (await store.GetImageLinesAsync(ids[0])).Should().ContainSingle().Which.Text.Should().Be("harbor", "its text is untouched");
    }

    [Fact]
    public async Task The_images_without_a_models_embeddings_are_the_ok_files_that_lack_them()
    {
        await using var store = directory.Open();
        var ids = await store.WriteAsync(
        [
            StoreTestData.Image("/photos/a.jpg", "harbor"),
            StoreTestData.Image("/photos/b.jpg", "meadow"),
            ImageDocument.Failed(ImageKey.ForFile("/photos/broken.jpg"), StoreTestData.Root, "truncated"),
            StoreTestData.Image("/photos/c.jpg", "copper"),
        ]);
        await store.ReplaceEmbeddingsAsync([new ImageEmbeddings(ids[1], [Embedding(EmbeddingOwnerKind.Image, "m1", 1, 0)])]);

        (await store.EmbeddedImagesAsync("m1")).Should().BeEquivalentTo(new[] { ids[1] });
        var missing = new List<long>();
        await foreach (var image in store.ImagesWithoutEmbeddingsAsync("m1"))
        {
            missing.Add(image.Id);
        }

        missing.Should().Equal(ids[0], ids[3]);
    }

    [Fact]
    public async Task Deleting_keeps_only_the_named_models_embeddings_and_a_gone_image_is_skipped()
    {
        await using var store = directory.Open();
        var ids = await store.WriteAsync([StoreTestData.Image("/photos/a.jpg", "harbor") with { Embeddings = [Embedding(EmbeddingOwnerKind.Image, "old", 1, 0)] }]);
        await store.WriteAsync([StoreTestData.Image("/photos/b.jpg", "meadow") with { Embeddings = [Embedding(EmbeddingOwnerKind.Image, "new", 0, 1)] }]);

        (await store.DeleteEmbeddingsAsync("new")).Should().Be(1);
        (await ListAsync(store, "old")).Should().BeEmpty();
        (await ListAsync(store, "new")).Should().ContainSingle();

        await store.DeleteImagesAsync([ids[0]]);
        (await store.ReplaceEmbeddingsAsync([new ImageEmbeddings(ids[0], [Embedding(EmbeddingOwnerKind.Image, "new", 1, 0)])])).Should().Be(0, "an image deleted since it was read gets no embeddings");
        (await store.DeleteEmbeddingsAsync(null)).Should().Be(1);
    }

    [Fact]
    public async Task A_line_owned_embedding_cannot_be_added_without_its_document()
    {
        await using var store = directory.Open();
        var ids = await store.WriteAsync([StoreTestData.Image("/photos/a.jpg", "harbor")]);

        var act = () => store.ReplaceEmbeddingsAsync([new ImageEmbeddings(ids[0], [new EmbeddingDocument(EmbeddingOwnerKind.Line, "m1", [1f], LineIndex: 0)])]);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*line embeddings*");
    }

    public void Dispose() => directory.Dispose();

    private static EmbeddingDocument Embedding(EmbeddingOwnerKind owner, string model, float x, float y, Retrieval.Models.Geometry.Quad? region = null, float z = 0) =>
        new(owner, model, [x, y, z, 0], EmbeddingPrecision.Float16, Region: region);

    private static async Task<List<StoredEmbedding>> ListAsync(SqliteIndexStore store, string model)
    {
        var list = new List<StoredEmbedding>();
        await foreach (var embedding in store.StreamEmbeddingsAsync(model))
        {
            list.Add(embedding);
        }

        return list;
    }
}
