using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Search.Tests.Vectors;

public sealed class ClipVectorIndexLoadTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "retrieval-vectors-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Loading_from_the_store_keeps_only_the_given_models_vectors_and_finds_the_nearest_image()
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = directory });
        var ids = await store.WriteAsync(
        [
            Image("/p/a.jpg", new EmbeddingDocument(EmbeddingOwnerKind.Image, "m1", [1, 0, 0, 0], EmbeddingPrecision.Float16)),
            Image("/p/b.jpg", new EmbeddingDocument(EmbeddingOwnerKind.Image, "m1", [0, 1, 0, 0], EmbeddingPrecision.Float16)),
            Image("/p/c.jpg", new EmbeddingDocument(EmbeddingOwnerKind.Image, "m2", [0, 0, 1, 0])),
        ]);

        var index = await ClipVectorIndex.LoadAsync(store, "m1", EmbeddingPrecision.Float16);

        index.Count.Should().Be(2);
        index.Width.Should().Be(4);
        var hits = index.Search([0.1f, 0.995f, 0, 0], 1);
        hits.Should().ContainSingle().Which.ImageId.Should().Be(ids[1]);
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static ImageDocument Image(string path, EmbeddingDocument embedding) => new()
    {
        Key = ImageKey.ForFile(path),
        Root = "/p",
        Width = 10,
        Height = 10,
        Embeddings = [embedding],
    };
}
