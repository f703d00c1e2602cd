namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>An image file's real format, told by its first bytes (its extension may say otherwise).</summary>
public enum ImageContainerFormat
{
    Unknown,
    Jpeg,
    Png,
    Gif,
    Bmp,
    Tiff,
    WebP,
}

/// <summary>Detects <see cref="ImageContainerFormat"/> from magic bytes.</summary>
public static class ImageFormatSniffer
{
    /// <summary>Bytes needed to tell every supported format apart.</summary>
    public const int HeaderLength = 12;

    public static ImageContainerFormat Detect(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageContainerFormat.Jpeg;
        }

        if (header.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageContainerFormat.Png;
        }

        if (header.StartsWith("GIF87a"u8) || header.StartsWith("GIF89a"u8))
        {
            return ImageContainerFormat.Gif;
        }

        if (header.StartsWith("II*\0"u8) || header.StartsWith("MM\0*"u8))
        {
            return ImageContainerFormat.Tiff;
        }

        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageContainerFormat.WebP;
        }

        // "BM" alone is weak; a BMP file header's reserved fields (bytes 6..9) are zero.
        if (header.Length >= 10 && header.StartsWith("BM"u8) && header[6..10].IndexOfAnyExcept((byte)0) < 0)
        {
            return ImageContainerFormat.Bmp;
        }

        return ImageContainerFormat.Unknown;
    }

    public static ImageContainerFormat DetectFile(string path)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        return Detect(header[..read]);
    }

    /// <summary>The format a file name's extension claims, or <see cref="ImageContainerFormat.Unknown"/>.</summary>
    public static ImageContainerFormat FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" or ".jpe" or ".jfif" => ImageContainerFormat.Jpeg,
        ".png" => ImageContainerFormat.Png,
        ".gif" => ImageContainerFormat.Gif,
        ".bmp" or ".dib" => ImageContainerFormat.Bmp,
        ".tif" or ".tiff" => ImageContainerFormat.Tiff,
        ".webp" => ImageContainerFormat.WebP,
        _ => ImageContainerFormat.Unknown,
    };
}
