namespace Retrieval.Search.Tests.Evaluation;

/// <summary>
/// Where the evaluation tests find their inputs: the dev data (RETRIEVAL_DEV_DATA, else
/// <c>shared/data/ic15-train</c> in the repository root's parent or an ancestor of it, which covers
/// both the main checkout and worktrees), the benchmark format samples beside it, and the committed fixtures.
/// </summary>
internal static class EvaluationTestData
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The ICDAR2015 train split (images/, gt/), or null when absent.</summary>
    public static string? Icdar2015Train { get; } = FindDevData();

    /// <summary>The folder of real benchmark ground-truth files (svt/, totaltext/), or null when absent.</summary>
    public static string? Formats { get; } = Icdar2015Train is null ? null : ExistingOrNull(Path.Combine(Path.GetDirectoryName(Icdar2015Train)!, "formats"));

    public static string Fixture(string name) => Path.Combine(RepositoryRoot, "tests", "Retrieval.Search.Tests", "Evaluation", "Fixtures", name);

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Retrieval.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Retrieval.sln not found above the test assembly.");
    }

    private static string? FindDevData()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("RETRIEVAL_DEV_DATA");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return ExistingOrNull(Path.GetFullPath(fromEnvironment));
        }

        for (var dir = new DirectoryInfo(RepositoryRoot).Parent; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "ic15-train");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string? ExistingOrNull(string path) => Directory.Exists(path) ? path : null;
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "retrieval-eval-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string text)
    {
        var full = Full(relative);
        File.WriteAllText(full, text);
        return full;
    }

    public string Write(string relative, byte[] bytes)
    {
        var full = Full(relative);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Full(string relative)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return full;
    }
}

/// <summary>Real 2x1 images in every format the gallery recognizes (made with Pillow 9.4).</summary>
internal static class TinyImages
{
    public static readonly byte[] Jpeg = Convert.FromBase64String("/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAABAAIDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDkKKKK8U/TD//Z");

    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGM8ISfHwMAAAAXMAQZFiFnUAAAAAElFTkSuQmCC");

    public static readonly byte[] Gif = Convert.FromBase64String("R0lGODdhAgABAIEAAMgeHgAAAAAAAAAAACwAAAAAAgABAAAIBQABAAgIADs=");

    public static readonly byte[] Bmp = Convert.FromBase64String("Qk0+AAAAAAAAADYAAAAoAAAAAgAAAAEAAAABABgAAAAAAAgAAADEDgAAxA4AAAAAAAAAAAAAHh7IHh7IAAA=");

    public static readonly byte[] Tiff = Convert.FromBase64String("SUkqAAgAAAAKAAABBAABAAAAAgAAAAEBBAABAAAAAQAAAAIBAwADAAAAhgAAAAMBAwABAAAAAQAAAAYBAwABAAAAAgAAABEBBAABAAAAjAAAABUBAwABAAAAAwAAABYBBAABAAAAAQAAABcBBAABAAAABgAAABwBAwABAAAAAQAAAAAAAAAIAAgACADIHh7IHh4=");

    public static readonly byte[] WebP = Convert.FromBase64String("UklGRjoAAABXRUJQVlA4IC4AAACwAQCdASoCAAEAAUAmJaACdLoABDAAAP7x3I/4DdfFtMv/vYL/3YL/3YL/WwAA");
}
