namespace Retrieval.Models.Imaging;

/// <summary>What an image file is, from its header alone.</summary>
/// <param name="Width">Stored width, before orientation.</param>
/// <param name="Height">Stored height, before orientation.</param>
/// <param name="Format">"jpeg", "png", "webp", "heic", "avif", "heif", "tiff" or "gif".</param>
/// <param name="Loader">The libvips loader's nickname, e.g. "jpegload_source".</param>
/// <param name="Orientation">The EXIF orientation tag, 1..8 (1 when absent).</param>
/// <param name="Bands">Channels as stored, alpha included (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA or CMYK).</param>
public sealed record ImageInfo(int Width, int Height, string Format, string Loader, int Orientation, int Bands)
{
    /// <summary>Width as shown upright (orientations 5..8 swap the axes).</summary>
    public int OrientedWidth => Orientation >= 5 ? Height : Width;

    /// <summary>Height as shown upright.</summary>
    public int OrientedHeight => Orientation >= 5 ? Width : Height;
}

/// <summary>
/// Reads an image's header without decoding pixels (cheap even for a 900-megapixel PNG), with the
/// same typed errors as <see cref="ImageDecoder"/>. No pixel limit applies: a probe only reports.
/// A file cut off after its header probes fine and fails later, when decoded.
/// </summary>
public static class ImageProbe
{
    public static ImageInfo Probe(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return VipsCallGate.Run(() =>
        {
            using var input = VipsInput.OpenFile(path);
            return ToInfo(ImageHeader.Read(input));
        });
    }

    /// <summary>Probes an encoded image held in memory; <paramref name="name"/> names it in errors.</summary>
    public static unsafe ImageInfo Probe(ReadOnlySpan<byte> encoded, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException(name, ImageErrorKind.Empty, "no bytes were given");
        }

        fixed (byte* p = encoded)
        {
            var data = (IntPtr)p;
            var length = encoded.Length;
            return VipsCallGate.Run(() =>
            {
                using var input = VipsInput.FromPinnedMemory(data, length, name);
                return ToInfo(ImageHeader.Read(input));
            });
        }
    }

    private static ImageInfo ToInfo(ImageHeader header) =>
        new(header.Width, header.Height, header.Format, header.Loader, header.Orientation, header.Bands);
}
