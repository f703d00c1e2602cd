using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Sources.Video;

/// <summary>One frame read from a video: its pixels (rotated, scaled down to the reader's limit) and its presentation time.</summary>
/// <param name="Time">Presentation time from the start of the video (ffmpeg's timeline: the container's start time is 0).</param>
/// <param name="Index">Position among the frames this read handed out (0, 1, ...).</param>
/// <param name="IsKeyframe">The frame was a keyframe of the stream.</param>
/// <param name="Video">The stream the frame came from.</param>
public sealed record VideoFrame(RgbImage Image, TimeSpan Time, int Index, bool IsKeyframe, VideoInfo Video)
{
    /// <summary>Size of <see cref="Image"/> over the video's display size (1 unless the frame was scaled down).</summary>
    public double Scale => Math.Min(1.0, (double)Math.Max(Image.Width, Image.Height) / Math.Max(Video.DisplayWidth, Video.DisplayHeight));
}

/// <summary>
/// A frame kept for reading, standing for the stretch [<see cref="Start"/>, <see cref="End"/>] of the
/// video: <see cref="End"/> is the time of the last sampled frame that looked the same
/// (<see cref="Start"/> itself when none did).
/// </summary>
public sealed record KeptFrame(VideoFrame Frame, TimeSpan End, int Duplicates)
{
    public TimeSpan Start => Frame.Time;
}

/// <summary>What one read of a video did; filled in while it runs, complete when the enumeration ends.</summary>
public sealed class VideoReadStats
{
    public VideoInfo? Video { get; internal set; }

    /// <summary>Frames handed out by the reader (after sampling, before deduplication).</summary>
    public int FramesRead { get; internal set; }

    /// <summary>Frames ffmpeg decoded to choose them, from its closing statistics; null when it printed none.</summary>
    public long? FramesDecoded { get; internal set; }

    public TimeSpan? LastFrameTime { get; internal set; }

    /// <summary>Errors ffmpeg reported during a read that still reached the end (concealed damage).</summary>
    public IReadOnlyList<string> Warnings { get; internal set; } = [];

    /// <summary>Wall time from starting ffmpeg to its exit.</summary>
    public TimeSpan Elapsed { get; internal set; }
}
