namespace Retrieval.Search.Store;

/// <summary>
/// What identifies an image in the index: a file path, or a video path and a frame time. Writing a
/// document with an existing key replaces that image. Paths are compared exactly (ordinal), so
/// callers pass them in one canonical form (full paths).
/// </summary>
public readonly record struct ImageKey
{
    public ImageKey(string path, TimeSpan? frameTime)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (frameTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(frameTime), frameTime, "A frame time cannot be negative.");
        }

        Path = path;
        FrameTime = frameTime;
    }

    /// <summary>The image file, or for a video frame the video file.</summary>
    public string Path { get; }

    /// <summary>Time of the frame in its video; null for an image file.</summary>
    public TimeSpan? FrameTime { get; }

    public ImageSourceKind Kind => FrameTime is null ? ImageSourceKind.File : ImageSourceKind.VideoFrame;

    public static ImageKey ForFile(string path) => new(path, null);

    public static ImageKey ForFrame(string videoPath, TimeSpan frameTime) => new(videoPath, frameTime);

    public override string ToString() => FrameTime is { } t ? $"{Path}@{t:c}" : Path;
}

/// <summary>The stretch of video a keyframe stands for.</summary>
public readonly record struct FrameSpan(TimeSpan Start, TimeSpan End);
