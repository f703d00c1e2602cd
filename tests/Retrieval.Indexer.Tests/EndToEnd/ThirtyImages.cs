namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>30 rendered one-word images (one per <see cref="WordImages.Words"/> entry), shared read-only by the long-run tests.</summary>
public sealed class ThirtyImages : IDisposable
{
    private readonly TempFolder folder = new("retrieval-thirty-");

    public ThirtyImages()
    {
        Folder = folder.Folder("photos");
        foreach (var word in WordImages.Words)
        {
            WordImages.Save(PathOf(word), word);
        }
    }

    public string Folder { get; }

    public IReadOnlyList<string> Words => WordImages.Words;

    public string PathOf(string word) => Path.Combine(Folder, word.ToLowerInvariant() + ".png");

    public void Dispose() => folder.Dispose();
}

/// <summary>The tests that run an indexer over <see cref="ThirtyImages"/> and stop it part-way; run one after another so each gets the cores.</summary>
[CollectionDefinition(Name)]
public sealed class ThirtyImagesGroup : ICollectionFixture<ThirtyImages>
{
    public const string Name = "thirty images";
}
