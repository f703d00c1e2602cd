namespace Retrieval.Models.Imaging;

/// <summary>How to turn a file into an <see cref="RgbImage"/>.</summary>
public sealed record ImageDecodeOptions
{
    public static ImageDecodeOptions Default { get; } = new();

    /// <summary>Apply the EXIF orientation (true), or keep the stored pixels (benchmark ground truth is in stored pixels).</summary>
    public bool ApplyOrientation { get; init; } = true;

    /// <summary>Shrink on load so the longer side is at most this many pixels; 0 keeps the full size.</summary>
    public int MaxSide { get; init; } = 4096;

    /// <summary>Refuse images with more pixels than this (decompression bombs); checked on the header, before any pixel is decoded.</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    public void Validate()
    {
        if (MaxSide is < 0 or > 65_535)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSide), MaxSide, "MaxSide must be 0 (no limit) or 1..65535.");
        }

        if (MaxPixels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPixels), MaxPixels, "MaxPixels must be positive.");
        }
    }
}

/// <summary>A decoded image and what is known of its source.</summary>
/// <param name="Image">The pixels, 8-bit sRGB.</param>
/// <param name="SourceWidth">Width of the stored image, before orientation and shrinking.</param>
/// <param name="SourceHeight">Height of the stored image, before orientation and shrinking.</param>
/// <param name="Orientation">The EXIF orientation tag (1 when absent).</param>
/// <param name="OrientationApplied">Whether pixels were rotated/flipped to the EXIF orientation.</param>
/// <param name="Scale">Decoded size over oriented source size (1 unless shrunk on load).</param>
public sealed record DecodedImage(RgbImage Image, int SourceWidth, int SourceHeight, int Orientation, bool OrientationApplied, double Scale);
