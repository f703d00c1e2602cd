using System.Text.RegularExpressions;
using Retrieval.Models.Geometry;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>
/// A small rendered collection indexed once through <c>retrieval index</c>, shared (read-only) by
/// the search tests: single words, a two-word phrase, a licence plate, and a decoy that shares a word with the phrase.
/// </summary>
public sealed class SearchCollection : IAsyncLifetime
{
    private readonly TempFolder folder = new("retrieval-search-");

    public string Images => folder.Combine("images");

    public string Index => folder.Combine("index");

    /// <summary>File name to the text rendered in it and the quad it occupies.</summary>
    public Dictionary<string, (string Text, Quad Quad)> Files { get; } = [];

    public string PathOf(string name) => Path.Combine(Images, name);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Images);
        foreach (var (name, text) in new[] { ("harbor.png", "HARBOR"), ("meadow.jpg", "MEADOW"), ("plate.png", "RE16TGK"), ("golden-gate.png", "GOLDEN GATE"), ("gate.png", "GATE"), ("lantern.png", "LANTERN") })
        {
            Files[name] = (text, WordImages.Save(PathOf(name), text));
        }

        var result = await CliProcess.RunAsync(["index", Images, "--index", Index]);
        if (result.ExitCode != 0 || !Regex.IsMatch(result.Stdout, $@"\b{Files.Count} indexed"))
        {
            throw new InvalidOperationException($"Indexing the search collection failed: {result}");
        }
    }

    public Task DisposeAsync()
    {
        folder.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class SearchCollectionGroup : ICollectionFixture<SearchCollection>
{
    public const string Name = "search collection";
}
