namespace Retrieval.Models.Tests.Imaging;

/// <summary>
/// The ICDAR 2015 dev photos (1280x720 JPEGs): <c>RETRIEVAL_DEV_DATA</c>, else
/// <c>../shared/data/ic15-train</c> next to the repository root. Null when absent; tests then skip with a printed reason.
/// </summary>
internal static class DevImages
{
    public const string EnvironmentVariable = "RETRIEVAL_DEV_DATA";

    public static string? ImagesFolder { get; } = Locate();

    public static string SkipReason => $"dev data not found: set {EnvironmentVariable} to the ic15-train folder (with images/img_N.jpg)";

    /// <summary>The first <paramref name="count"/> images, img_1.jpg, img_2.jpg, ... in number order.</summary>
    public static IReadOnlyList<string> First(int count) =>
        ImagesFolder is null
            ? []
            : Enumerable.Range(1, count).Select(i => Path.Combine(ImagesFolder, $"img_{i}.jpg")).Where(File.Exists).ToList();

    private static string? Locate()
    {
        var root = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(root))
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Retrieval.sln")))
                {
                    root = Path.Combine(dir.FullName, "..", "shared", "data", "ic15-train");
                    break;
                }
            }
        }

        var images = root is null ? null : Path.Combine(root, "images");
        return images is not null && Directory.Exists(images) ? Path.GetFullPath(images) : null;
    }
}
