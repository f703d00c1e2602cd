using Retrieval.Search.Store;

namespace Retrieval.Indexer.Server;

/// <summary>Where an image's file really is, or why it is not served.</summary>
internal enum ImageFileState
{
    Ok = 0,

    /// <summary>The file (or its indexed folder) no longer exists.</summary>
    Missing = 1,

    /// <summary>The file resolves to somewhere outside the folder it was indexed under (a link points out).</summary>
    Outside = 2,
}

/// <summary>An image's file as found on disk; for a video frame, the video's file (<see cref="IsVideoFrame"/>).</summary>
internal sealed record ImageFile(ImageFileState State, string? RealPath, long Length, DateTimeOffset Modified, bool IsVideoFrame = false);

/// <summary>
/// The only way the server reaches the file system for an image: by an id the index gave it, never
/// by a path from the request. The file is served only when its real path (every link resolved)
/// lies inside the real path of the folder it was indexed under, so a link planted in an indexed
/// folder cannot expose the rest of the disk; the resolved path is the one opened. A video frame is
/// checked the same way through its video's file.
/// </summary>
internal static class ImageFileGuard
{
    public static ImageFile Resolve(StoredImage image)
    {
        var frame = image.Key.FrameTime is not null;
        var root = RealPath.Resolve(image.Root);
        var file = RealPath.Resolve(image.Key.Path);
        if (root is null || file is null || !File.Exists(file))
        {
            return new ImageFile(ImageFileState.Missing, null, 0, default, frame);
        }

        if (!RealPath.IsWithin(file, root))
        {
            return new ImageFile(ImageFileState.Outside, null, 0, default, frame);
        }

        var info = new FileInfo(file);
        return new ImageFile(ImageFileState.Ok, file, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), frame);
    }

    /// <summary>The path shown to clients: relative to the indexed folder, with '/' separators.</summary>
    public static string RelativePath(StoredImage image)
    {
        var relative = Path.GetRelativePath(image.Root, image.Key.Path);
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            relative = Path.GetFileName(image.Key.Path);
        }

        return relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>The indexed folder's own name (not its full path), to tell roots apart.</summary>
    public static string RootName(StoredImage image) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(image.Root)) is { Length: > 0 } name ? name : image.Root;
}
