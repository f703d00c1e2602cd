namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>A gallery file with the format its content shows.</summary>
public sealed record GalleryFile(string Path, ImageContainerFormat Format)
{
    /// <summary>False when the extension names another format (IIIT-STR ships GIF and PNG files named <c>.jpg</c>).</summary>
    public bool ExtensionMatches => ImageFormatSniffer.FromExtension(Path) == Format;
}

/// <summary>The images of a folder and what was noticed while finding them.</summary>
public sealed record GalleryScan(IReadOnlyList<GalleryFile> Images, IReadOnlyList<string> Warnings);

/// <summary>
/// Finds a folder's images by content, not by extension (libvips decodes by content too): every file
/// whose first bytes are JPEG, PNG, GIF, BMP, TIFF or WebP is an image; other files are left out and
/// counted; images whose extension names another format are kept and listed.
/// </summary>
public static class ImageGallery
{
    private const int ListedExamples = 10;

    public static GalleryScan Scan(string directory, bool recursive, CancellationToken cancellationToken)
    {
        var full = IcdarGroundTruth.RequireDirectory(directory, "images folder");
        var options = new EnumerationOptions { RecurseSubdirectories = recursive, IgnoreInaccessible = false, AttributesToSkip = System.IO.FileAttributes.Hidden };
        var images = new List<GalleryFile>();
        var skipped = new List<string>();
        foreach (var file in Directory.EnumerateFiles(full, "*", options).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (System.IO.Path.GetFileName(file).StartsWith('.'))
            {
                continue;
            }

            var format = ImageFormatSniffer.DetectFile(file);
            if (format == ImageContainerFormat.Unknown)
            {
                skipped.Add(System.IO.Path.GetRelativePath(full, file));
            }
            else
            {
                images.Add(new GalleryFile(file, format));
            }
        }

        var warnings = new List<string>();
        var mismatched = images.Where(i => !i.ExtensionMatches).ToList();
        if (mismatched.Count > 0)
        {
            var examples = string.Join(", ", mismatched.Take(ListedExamples).Select(m => $"{System.IO.Path.GetRelativePath(full, m.Path)} is {m.Format}"));
            warnings.Add($"{mismatched.Count} image(s) in {full} have an extension that does not match their content (kept; decoded by content): {examples}{More(mismatched.Count)}.");
        }

        if (skipped.Count > 0)
        {
            warnings.Add($"{skipped.Count} file(s) in {full} are not JPEG, PNG, GIF, BMP, TIFF or WebP and are not in the gallery: {string.Join(", ", skipped.Take(ListedExamples))}{More(skipped.Count)}.");
        }

        return new GalleryScan(images, warnings);
    }

    private static string More(int count) => count > ListedExamples ? $" and {count - ListedExamples} more" : string.Empty;
}
