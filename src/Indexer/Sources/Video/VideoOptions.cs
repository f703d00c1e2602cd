namespace Retrieval.Indexer.Sources.Video;

/// <summary>
/// Which frames of a video are read and how: keyframes and scene changes, at least one frame every
/// <see cref="MaxInterval"/> (so a long static shot is still sampled), never more than
/// <see cref="MaxFramesPerMinute"/>, scaled down to <see cref="MaxSide"/> by ffmpeg, and frames that
/// look like the last kept one folded into it.
/// </summary>
public sealed record VideoOptions
{
    public static VideoOptions Default { get; } = new();

    /// <summary>The ffmpeg executable; null looks on PATH, then in the native-dependency cache (<see cref="FfmpegLocator"/>).</summary>
    public string? FfmpegPath { get; init; }

    /// <summary>The longest stretch of video without a sampled frame.</summary>
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Upper bound on sampled frames, enforced as a minimum gap of 60 s / this between two sampled
    /// frames: keyframes and scene changes closer than that wait for the gap to pass.
    /// </summary>
    public int MaxFramesPerMinute { get; init; } = 60;

    /// <summary>ffmpeg's scene-change score (0..1) above which a frame counts as a new shot.</summary>
    public double SceneThreshold { get; init; } = 0.1;

    /// <summary>Frames are scaled down (never up) by ffmpeg so neither side exceeds this many pixels.</summary>
    public int MaxSide { get; init; } = 1920;

    /// <summary>
    /// Two frames are the same picture when no cell of their <see cref="FrameFingerprint"/> differs by
    /// more than this many gray levels (0..255): above codec noise (at most 12 on moderately compressed
    /// video), below one changed digit of small text (26 and more).
    /// </summary>
    public int DuplicateThreshold { get; init; } = 24;

    /// <summary>Fold frames that look like the last kept frame into it instead of reading them again.</summary>
    public bool Deduplicate { get; init; } = true;

    /// <summary>The shortest time between two sampled frames.</summary>
    public TimeSpan MinGap => TimeSpan.FromSeconds(60.0 / MaxFramesPerMinute);

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid option.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (MaxFramesPerMinute is < 1 or > 3600)
        {
            errors.Add($"MaxFramesPerMinute must be 1..3600, not {MaxFramesPerMinute}.");
        }
        else if (MaxInterval < MinGap || MaxInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"MaxInterval must be at least 60 s / MaxFramesPerMinute ({MinGap.TotalSeconds:0.###} s) and at most 1 h, not {MaxInterval.TotalSeconds:0.###} s.");
        }

        if (double.IsNaN(SceneThreshold) || SceneThreshold is <= 0 or > 1)
        {
            errors.Add($"SceneThreshold must be in (0, 1], not {SceneThreshold}.");
        }

        if (MaxSide is < 32 or > 16384)
        {
            errors.Add($"MaxSide must be 32..16384 pixels, not {MaxSide}.");
        }

        if (DuplicateThreshold is < 0 or > 255)
        {
            errors.Add($"DuplicateThreshold must be 0..255 gray levels, not {DuplicateThreshold}.");
        }

        if (FfmpegPath is { Length: 0 })
        {
            errors.Add("FfmpegPath must be null (search PATH and the cache) or a path.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid video options: " + string.Join(" ", errors));
        }
    }
}
