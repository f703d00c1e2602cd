namespace Retrieval.Indexer.Sources.Video;

/// <summary>Which files are treated as videos when folders are walked (a file named directly is tried whatever its extension).</summary>
public static class VideoFiles
{
    /// <summary>Container extensions ffmpeg reads (case-insensitive).</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mkv", ".webm", ".mov", ".avi", ".wmv", ".asf", ".flv", ".mpg", ".mpeg", ".m2v", ".ts", ".mts", ".m2ts", ".3gp", ".3g2", ".ogv", ".vob", ".mxf",
    };

    public static bool IsVideo(string path) => Extensions.Contains(Path.GetExtension(path));
}
