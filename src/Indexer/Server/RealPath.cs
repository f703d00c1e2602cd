namespace Retrieval.Indexer.Server;

/// <summary>
/// Resolves every symbolic link in a path, component by component (like POSIX realpath), so a
/// link anywhere along the way (a linked folder, a linked file) shows where the path really leads.
/// <see cref="Path.GetFullPath(string)"/> only tidies the text and would let a link inside an
/// indexed folder point anywhere.
/// </summary>
internal static class RealPath
{
    /// <summary>Links followed before giving up (as Linux's MAXSYMLINKS).</summary>
    private const int MaxLinks = 40;

    /// <summary>The real path of an existing file or folder; null when it does not exist, a link is broken or loops.</summary>
    public static string? Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Not Path.GetFullPath: it drops "dir/.." by the text, but after a link ".." leaves the link's target.
        var full = Path.IsPathRooted(path) ? path : Path.Join(Directory.GetCurrentDirectory(), path);
        var current = Path.GetPathRoot(full);
        if (string.IsNullOrEmpty(current))
        {
            return null;
        }

        var pending = new Stack<string>();
        Push(pending, full[current.Length..]);
        var links = 0;
        try
        {
            while (pending.TryPop(out var part))
            {
                if (part == ".")
                {
                    continue;
                }

                if (part == "..")
                {
                    current = Path.GetDirectoryName(current) ?? current;
                    continue;
                }

                var next = Path.Join(current, part);
                var target = new FileInfo(next).LinkTarget;
                if (target is null)
                {
                    if (!File.Exists(next) && !Directory.Exists(next))
                    {
                        return null;
                    }

                    current = next;
                    continue;
                }

                if (++links > MaxLinks)
                {
                    return null;
                }

                // The target replaces this component: a relative one is read from the link's folder.
                Push(pending, target);
                if (Path.IsPathRooted(target))
                {
                    current = Path.GetPathRoot(Path.GetFullPath(target))!;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return current;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies below it (both real, full paths).</summary>
    public static bool IsWithin(string path, string folder)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var root = Path.TrimEndingDirectorySeparator(folder);
        return path.Equals(root, comparison)
            || (path.StartsWith(root, comparison) && path.Length > root.Length && (path[root.Length] == Path.DirectorySeparatorChar || root.EndsWith(Path.DirectorySeparatorChar)));
    }

    private static void Push(Stack<string> pending, string path)
    {
        var parts = path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
