using Retrieval.Models.Native;

namespace Retrieval.Indexer.Sources.Video;

/// <summary>
/// Finds the ffmpeg executable: the configured path if one is given, else the first <c>ffmpeg</c> on
/// PATH, else the static build that <c>build/fetch-native-deps.sh ffmpeg</c> puts in the cache
/// (<see cref="RetrievalCache.FfmpegPath"/>). Only videos need it, so a missing ffmpeg is an error
/// for videos alone, raised when the first one is read.
/// </summary>
public static class FfmpegLocator
{
    private static readonly string ExecutableName = OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg";

    /// <summary>The ffmpeg to run.</summary>
    /// <exception cref="FfmpegNotFoundException">No usable ffmpeg exists where it was looked for.</exception>
    public static string Locate(string? configured = null, string? pathVariable = null, string? cachedPath = null)
    {
        if (configured is not null)
        {
            var full = Path.GetFullPath(configured);
            return IsExecutable(full) ? full : throw new FfmpegNotFoundException([full], configured: true);
        }

        var searched = new List<string>();
        foreach (var folder in (pathVariable ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, ExecutableName);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        searched.Add("PATH");
        var cached = cachedPath ?? RetrievalCache.FfmpegPath;
        if (IsExecutable(cached))
        {
            return cached;
        }

        searched.Add(cached);
        throw new FfmpegNotFoundException(searched, configured: false);
    }

    private static bool IsExecutable(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            return OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>No ffmpeg could be found; the message says where it was looked for and how to get one.</summary>
public sealed class FfmpegNotFoundException : Exception
{
    public FfmpegNotFoundException(IReadOnlyList<string> searched, bool configured)
        : base(configured
            ? $"The configured ffmpeg {searched[0]} does not exist or is not executable. Point the ffmpeg setting at an ffmpeg executable, or leave it unset to use the one on PATH."
            : $"Videos need ffmpeg, which was not found (looked on PATH and at {searched[^1]}). Install it (Debian/Ubuntu: 'sudo apt-get install ffmpeg'), " +
              "or fetch a static build into the cache with 'bash build/fetch-native-deps.sh ffmpeg'. Images are indexed without it.")
    {
        Searched = searched;
    }

    /// <summary>Where ffmpeg was looked for ("PATH" for the PATH folders).</summary>
    public IReadOnlyList<string> Searched { get; }
}
