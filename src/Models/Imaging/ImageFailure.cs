using System.Buffers.Binary;
using System.Text;

namespace Retrieval.Models.Imaging;

/// <summary>
/// Turns a libvips failure into the right <see cref="ImageErrorKind"/>. libvips' text alone is not
/// enough: libpng reports a cut-off file only as "libpng read error" (the "not enough data" part goes
/// to the GLib log), and a TIFF whose header points past the end is "not a known file format". So
/// the file's own structure is checked too: its magic bytes (what it claims to be) and its end
/// (JPEG EOI, PNG IEND, GIF trailer, the RIFF length of WebP).
/// </summary>
internal static class ImageFailure
{
    private static readonly string[] TruncationPhrases =
    [
        "premature end", "truncat", "unexpected end", "not enough data", "end of file", "short read", "out of data",
    ];

    /// <summary>libvips phrases for a codec missing from this build (a HEIC photo: libheif here has AV1 but no HEVC decoder).</summary>
    private static readonly string[] MissingCodecPhrases =
    [
        "has not been built in", "unsupported codec", "no decoder",
    ];

    /// <summary>No loader recognised the bytes: unsupported, unless they claim a format we read, in which case that header is damaged.</summary>
    public static ImageDecodeException NoLoader(VipsInput input)
    {
        var head = input.ReadBytes(0, 64);
        var claimed = Sniff(head);
        if (claimed is { Readable: true })
        {
            var kind = LooksTruncated(input, claimed.Name, head) ? ImageErrorKind.Truncated : ImageErrorKind.Corrupt;
            return new ImageDecodeException(input.Name, kind, $"it starts like {claimed.Name} but libvips cannot parse its header; {Advice(kind)}");
        }

        var what = claimed is null ? $"its first bytes are {Preview(head)}" : $"it is {claimed.Name}, which the bundled libvips has no loader for";
        var expected = ExtensionFormat(input.Name);
        var mismatch = expected is null ? string.Empty : $"; the name says {expected} but the content is not";
        return new ImageDecodeException(input.Name, ImageErrorKind.Unsupported, $"{what}{mismatch}; supported: JPEG, PNG, WebP, HEIC/AVIF, TIFF, GIF");
    }

    /// <summary>
    /// A loader or pixel read failed with <paramref name="text"/> from libvips: unsupported when the codec
    /// is not built in, truncated when libvips says the data ended, corrupt when it says corrupt,
    /// otherwise truncated if the file's end marker is missing.
    /// </summary>
    public static ImageDecodeException Failed(VipsInput input, string step, string text)
    {
        if (MissingCodecPhrases.Any(p => text.Contains(p, StringComparison.OrdinalIgnoreCase)))
        {
            return new ImageDecodeException(input.Name, ImageErrorKind.Unsupported, $"{step}: {text}; the bundled libvips cannot decode this codec, convert the file to JPEG, PNG or AVIF");
        }

        var truncated = TruncationPhrases.Any(p => text.Contains(p, StringComparison.OrdinalIgnoreCase));
        if (!truncated && !text.Contains("corrupt", StringComparison.OrdinalIgnoreCase))
        {
            var head = input.ReadBytes(0, 64);
            truncated = Sniff(head) is { } format && LooksTruncated(input, format.Name, head);
        }

        var kind = truncated ? ImageErrorKind.Truncated : ImageErrorKind.Corrupt;
        return new ImageDecodeException(input.Name, kind, $"{step}: {text}; {Advice(kind)}");
    }

    public static string Advice(ImageErrorKind kind) => kind switch
    {
        ImageErrorKind.Truncated => "the file ends early, probably an interrupted copy or download; copy it again",
        ImageErrorKind.Corrupt => "the file is damaged; open it in an image viewer to check, or replace it",
        _ => "see the detail above",
    };

    /// <summary>What the first bytes say the file is, and whether that format is one we read.</summary>
    internal static SniffedFormat? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return new("JPEG", true);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return new("PNG", true);
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return new("GIF", true);
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return new("WebP", true);
        }

        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
        {
            return new("TIFF", true);
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(head[8..12]);
            return brand is "avif" or "avis" ? new("AVIF", true) : brand is "heic" or "heix" or "heim" or "heis" or "mif1" or "msf1" ? new("HEIC", true) : null;
        }

        if (head.StartsWith("BM"u8))
        {
            return new("BMP", false);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || head.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ']))
        {
            return new("JPEG XL", false);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' ']))
        {
            return new("JPEG 2000", false);
        }

        if (head.StartsWith("8BPS"u8))
        {
            return new("Photoshop PSD", false);
        }

        return head.StartsWith("%PDF"u8) ? new("PDF", false) : null;
    }

    private static bool LooksTruncated(VipsInput input, string format, ReadOnlySpan<byte> head)
    {
        const int TailLength = 32;
        var tail = input.ReadBytes(input.Length - TailLength, TailLength).AsSpan();
        return format switch
        {
            // Entropy-coded data stuffs every 0xFF, so FF D9 near the end can only be the end-of-image marker.
            "JPEG" => tail.IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) < 0,
            "PNG" => tail.IndexOf("IEND"u8) < 0,
            "GIF" => !EndsWithGifTrailer(tail),
            "WebP" => head.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(head[4..8]) + 8L > input.Length,
            _ => false,
        };
    }

    private static bool EndsWithGifTrailer(ReadOnlySpan<byte> tail)
    {
        var trimmed = tail.TrimEnd((byte)0);
        return !trimmed.IsEmpty && trimmed[^1] == 0x3B;
    }

    private static string? ExtensionFormat(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" or ".jpe" => "JPEG",
        ".png" => "PNG",
        ".gif" => "GIF",
        ".webp" => "WebP",
        ".tif" or ".tiff" => "TIFF",
        ".heic" or ".heif" => "HEIC",
        ".avif" => "AVIF",
        _ => null,
    };

    private static string Preview(ReadOnlySpan<byte> head)
    {
        var sample = head[..Math.Min(8, head.Length)];
        var printable = sample.ToArray().All(b => b is >= 0x20 and < 0x7F or (byte)'\n' or (byte)'\r' or (byte)'\t');
        return printable
            ? $"\"{Encoding.ASCII.GetString(sample).ReplaceLineEndings(" ")}\" (text)"
            : Convert.ToHexString(sample);
    }

    internal sealed record SniffedFormat(string Name, bool Readable);
}
