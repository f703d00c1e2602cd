namespace Retrieval.Indexer.Sources;

/// <summary>
/// Walks roots for image (and video) files in a stable (ordinal) order. Follows links to folders but visits each
/// real folder once, so link loops end; folders it cannot read are reported, not fatal. A root that
/// is a file is returned as itself.
/// </summary>
public sealed class FolderWalker(Func<string, bool> accept)
{
    private readonly List<SourceProblem> problems = [];

    public static FolderWalker ForImages() => new(ImageFiles.IsImage);

    /// <summary>Image files and video files (<see cref="Video.VideoFiles"/>): what indexing reads.</summary>
    public static FolderWalker ForImagesAndVideos() => new(path => ImageFiles.IsImage(path) || Video.VideoFiles.IsVideo(path));

    public IReadOnlyList<SourceProblem> Problems => problems;

    public IEnumerable<SourceFile> Walk(IEnumerable<string> roots, CancellationToken cancellationToken)
    {
        foreach (var input in roots)
        {
            var root = Path.GetFullPath(input);
            if (File.Exists(root))
            {
                var file = Describe(root, Path.GetDirectoryName(root) ?? root);
                if (file is not null)
                {
                    yield return file;
                }

                continue;
            }

            if (!Directory.Exists(root))
            {
                problems.Add(new SourceProblem(root, "no such file or folder"));
                continue;
            }

            foreach (var file in WalkFolder(root, cancellationToken))
            {
                yield return file;
            }
        }
    }

    private IEnumerable<SourceFile> WalkFolder(string root, CancellationToken cancellationToken)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var folder = pending.Pop();
            if (!visited.Add(RealPath(folder)))
            {
                problems.Add(new SourceProblem(folder, "skipped: a link back to a folder already walked"));
                continue;
            }

            string[] files, folders;
            try
            {
                files = Directory.GetFiles(folder);
                folders = Directory.GetDirectories(folder);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                problems.Add(new SourceProblem(folder, $"cannot read folder: {e.Message}"));
                continue;
            }

            Array.Sort(files, StringComparer.Ordinal);
            foreach (var path in files)
            {
                if (accept(path) && Describe(path, root) is { } file)
                {
                    yield return file;
                }
            }

            // Pushed in reverse so folders are walked in ordinal order.
            Array.Sort(folders, StringComparer.Ordinal);
            for (var i = folders.Length - 1; i >= 0; i--)
            {
                pending.Push(folders[i]);
            }
        }
    }

    private SourceFile? Describe(string path, string root)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null || !target.Exists)
                {
                    problems.Add(new SourceProblem(path, "broken link"));
                    return null;
                }

                info = new FileInfo(target.FullName);
            }

            return new SourceFile(path, root, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            problems.Add(new SourceProblem(path, $"cannot read file: {e.Message}"));
            return null;
        }
    }

    private static string RealPath(string folder)
    {
        try
        {
            return new DirectoryInfo(folder).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(folder);
        }
        catch (IOException)
        {
            return Path.GetFullPath(folder);
        }
    }
}
