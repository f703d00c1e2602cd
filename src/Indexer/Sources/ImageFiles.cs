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
    /// folders are walked recursively for image files in a stable order; a path that does not exist is
    /// kept as a missing entry. Entries come in the order of <paramref name="inputs"/>, so results can be reported in that order.
    /// </summary>
    public static List<ExpandedInput> Expand(IEnumerable<string> inputs)
    {
        var entries = new List<ExpandedInput>();
        foreach (var input in inputs)
        {
            if (File.Exists(input))
            {
                entries.Add(new ExpandedInput(input, Missing: false));
            }
            else if (Directory.Exists(input))
            {
                var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
                entries.AddRange(Directory.EnumerateFiles(input, "*", options).Where(IsImage).Order(StringComparer.Ordinal).Select(f => new ExpandedInput(f, Missing: false)));
            }
            else
            {
                entries.Add(new ExpandedInput(input, Missing: true));
            }
        }

        return entries;
    }
}

/// <summary>A file to read, or a command-line path that names nothing (<see cref="Missing"/>).</summary>
public readonly record struct ExpandedInput(string Path, bool Missing);
