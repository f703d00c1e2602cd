namespace Retrieval.Indexer.Tests.Clip;

/// <summary>The tiny CLIP-architecture model committed with the model tests (see tools/clip-test-model/README.md).</summary>
internal static class TinyClip
{
    private static readonly Lazy<string> Fixtures = new(Locate);

    public static string HuggingFace => Path.Combine(Fixtures.Value, "hf");

    public static string OpenClip => Path.Combine(Fixtures.Value, "openclip");

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Retrieval.Models.Tests", "Clip", "Fixtures");
            if (File.Exists(Path.Combine(candidate, "reference.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"The CLIP test fixtures were not found above {AppContext.BaseDirectory}.");
    }
}
