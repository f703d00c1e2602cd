using Microsoft.Extensions.Logging.Abstractions;
using Retrieval.Indexer.Pipeline;
using Retrieval.Indexer.Tests.EndToEnd;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Indexer.Tests.Clip;

/// <summary>
/// Four rendered word images and a text-only index of them, made once (the OCR is the slow part); each test works on
/// its own copy of the index (<see cref="CopyIndex"/>), with the tiny CLIP test model.
/// </summary>
public sealed class EmbeddingFixture : IAsyncLifetime
{
    public static readonly string[] Words = ["HARBOR", "MEADOW", "LANTERN", "COPPER"];

    private readonly TempFolder folder = new("retrieval-embed-");

    public string Images => folder.Combine("images");

    public string TextIndex => folder.Combine("text-index");

    public string PathOf(string word) => Path.Combine(Images, word.ToLowerInvariant() + ".png");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Images);
        foreach (var word in Words)
        {
            WordImages.Save(PathOf(word), word);
        }

        var summary = await RunAsync(TextIndex, [Images], new IndexingOptions());
        summary.Indexed.Should().Be(Words.Length);
    }

    /// <summary>A private copy of the text-only index.</summary>
    internal string CopyIndex(TempFolder into, string name = "index")
    {
        var target = into.Folder(name);
        foreach (var file in Directory.GetFiles(TextIndex))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }

    /// <summary>Runs the indexing pipeline in-process over <paramref name="roots"/> (none: embed what the index holds).</summary>
    public static async Task<IndexingSummary> RunAsync(string index, IReadOnlyList<string> roots, IndexingOptions options, CancellationToken cancellationToken = default)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, Rebuild = options.Rebuild });
        var pipeline = new IndexingPipeline(store, options with { BatchSize = 2, BatchInterval = TimeSpan.FromMilliseconds(200) }, NullLoggerFactory.Instance);
        return await pipeline.RunAsync(roots, cancellationToken);
    }

    /// <summary>Registers the tiny model (Hugging Face layout unless told) for the index.</summary>
    public static async Task<ClipModelRegistration> RegisterAsync(string index, string? model = null)
    {
        var registration = ClipModelRegistration.Inspect(model ?? TinyClip.HuggingFace);
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index });
        await registration.WriteAsync(store);
        return registration;
    }

    public static async Task<List<StoredEmbedding>> EmbeddingsAsync(string index, string modelId)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        var list = new List<StoredEmbedding>();
        await foreach (var embedding in store.StreamEmbeddingsAsync(modelId))
        {
            list.Add(embedding);
        }

        return list;
    }

    public Task DisposeAsync()
    {
        folder.Dispose();
        return Task.CompletedTask;
    }
}
