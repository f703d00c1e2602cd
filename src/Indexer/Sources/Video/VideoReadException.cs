using System.Globalization;

namespace Retrieval.Indexer.Sources.Video;

/// <summary>Why a video could not be read, or not to its end. Values are frozen (they may be persisted).</summary>
public enum VideoErrorKind
{
    /// <summary>The file does not exist (any more).</summary>
    NotFound = 1,

    /// <summary>Not a container or codec ffmpeg can read, or its header is damaged: nothing was read.</summary>
    Unreadable = 2,

    /// <summary>The file has no video stream (audio only, or no streams at all).</summary>
    NoVideoStream = 3,

    /// <summary>Decoding stopped before the end the container announces; the frames before were read.</summary>
    Truncated = 4,

    /// <summary>ffmpeg failed for another reason; the frames before were read.</summary>
    Failed = 5,
}

/// <summary>
/// A video that could not be read to its end. <see cref="FramesRead"/> frames were already handed out
/// (and may be indexed); <see cref="LastFrameTime"/> says how far reading got, so a later run can
/// resume after it.
/// </summary>
public sealed class VideoReadException : Exception
{
    public VideoReadException(string path, VideoErrorKind kind, string detail, int framesRead = 0, TimeSpan? lastFrameTime = null, TimeSpan? duration = null)
        : base(Format(path, kind, detail, framesRead, lastFrameTime, duration))
    {
        VideoPath = path;
        Kind = kind;
        Detail = detail;
        FramesRead = framesRead;
        LastFrameTime = lastFrameTime;
        Duration = duration;
    }

    public string VideoPath { get; }

    public VideoErrorKind Kind { get; }

    /// <summary>What ffmpeg said (its last error lines), or what was found.</summary>
    public string Detail { get; }

    public int FramesRead { get; }

    /// <summary>Time of the last frame handed out; null when none was.</summary>
    public TimeSpan? LastFrameTime { get; }

    /// <summary>The duration the container announces, when it does.</summary>
    public TimeSpan? Duration { get; }

    private static string Format(string path, VideoErrorKind kind, string detail, int framesRead, TimeSpan? lastFrameTime, TimeSpan? duration)
    {
        var what = kind switch
        {
            VideoErrorKind.NotFound => "file not found",
            VideoErrorKind.Unreadable => "not a video ffmpeg can read, or its header is damaged",
            VideoErrorKind.NoVideoStream => "no video stream",
            VideoErrorKind.Truncated => "truncated or damaged video",
            _ => "ffmpeg failed",
        };
        var progress = framesRead == 0
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $"; read {framesRead} frames up to {lastFrameTime?.TotalSeconds:0.0} s") +
              (duration is { } d ? string.Create(CultureInfo.InvariantCulture, $" of {d.TotalSeconds:0.0} s") : string.Empty);
        return $"{path}: {what}{progress}: {detail}";
    }
}
