using Retrieval.Models.Imaging;

namespace Retrieval.Models.Clip;

/// <summary>
/// How images are turned into a CLIP vision tower's input, read from <c>preprocessor_config.json</c> (Hugging Face)
/// or <c>preprocess_cfg.json</c> (OpenCLIP). Pixels are scaled to [0, 1], then normalized as (v - mean) / std per channel.
/// </summary>
public sealed record ClipPreprocessConfig
{
    public static IReadOnlyList<float> OpenAiMean { get; } = [0.48145466f, 0.4578275f, 0.40821073f];

    public static IReadOnlyList<float> OpenAiStd { get; } = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>S: the side of the square image the model takes.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>The shortest-side target in <see cref="ClipResizeMode.Shortest"/> mode before the S×S center crop; 0 means S.</summary>
    public int ResizeSize { get; init; }

    public ClipResizeMode ResizeMode { get; init; } = ClipResizeMode.Shortest;

    public ResampleFilter Filter { get; init; } = ResampleFilter.Bicubic;

    /// <summary>Per-channel mean, R, G, B, in [0, 1] units.</summary>
    public IReadOnlyList<float> Mean { get; init; } = OpenAiMean;

    /// <summary>Per-channel standard deviation, R, G, B.</summary>
    public IReadOnlyList<float> Std { get; init; } = OpenAiStd;

    /// <summary>The grey level (0..255) that pads images in <see cref="ClipResizeMode.Longest"/> mode.</summary>
    public byte FillColor { get; init; }

    public int EffectiveResizeSize => ResizeSize > 0 ? ResizeSize : ImageSize;

    public void Validate()
    {
        if (ImageSize is < 8 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "ImageSize must be 8..4096.");
        }

        if (ResizeSize != 0 && (ResizeSize < ImageSize || ResizeSize > 8192))
        {
            throw new ArgumentOutOfRangeException(nameof(ResizeSize), ResizeSize, "ResizeSize must be 0 (same as ImageSize) or ImageSize..8192.");
        }

        if (!Enum.IsDefined(ResizeMode))
        {
            throw new ArgumentOutOfRangeException(nameof(ResizeMode), ResizeMode, "ResizeMode must be Shortest, Longest or Squash.");
        }

        if (!Enum.IsDefined(Filter))
        {
            throw new ArgumentOutOfRangeException(nameof(Filter), Filter, "Filter must be Bilinear, Bicubic or Lanczos.");
        }

        if (Mean is not { Count: 3 } || Mean.Any(m => !float.IsFinite(m)))
        {
            throw new ArgumentException("Mean must have three finite values (R, G, B).", nameof(Mean));
        }

        if (Std is not { Count: 3 } || Std.Any(s => !float.IsFinite(s) || s <= 0))
        {
            throw new ArgumentException("Std must have three positive values (R, G, B).", nameof(Std));
        }
    }
}
