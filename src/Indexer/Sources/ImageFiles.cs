namespace Retrieval.Indexer.Sources;

/// <summary>Which files are images, and expanding command-line paths into image files.</summary>
public static class ImageFiles
{
    /// <summary>Extensions libvips reads that we treat as images (case-insensitive).</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".heic", ".heif", ".avif", ".jxl", ".jp2",
    };

    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>
    /// Files named directly are kept whatever their extension (the decoder says if they are not images);
    /// folders are walked recursively for image files in a stable order. Paths that do not exist are returned in <paramref name="missing"/>.
    /// </summary>
    public static List<string> Expand(IEnumerable<string> inputs, out List<string> missing)
    {
        var files = new List<string>();
        missing = [];
        foreach (var input in inputs)
        {
            if (File.Exists(input))
            {
                files.Add(input);
            }
            else if (Directory.Exists(input))
            {
                var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
                files.AddRange(Directory.EnumerateFiles(input, "*", options).Where(IsImage).Order(StringComparer.Ordinal));
            }
            else
            {
                missing.Add(input);
            }
        }

        return files;
    }
}
