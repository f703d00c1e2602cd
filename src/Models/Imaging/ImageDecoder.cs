namespace Retrieval.Models.Imaging;

/// <summary>
/// Decodes images with libvips: JPEG, PNG, WebP, HEIC/AVIF, TIFF, GIF (first frame); EXIF
/// orientation; grey/alpha/CMYK/16-bit converted to 8-bit sRGB, alpha flattened onto white.
/// <para>
/// The header is read first (no pixels), so the pixel limit refuses decompression bombs before
/// they cost memory. Pixels come from vips_thumbnail, which shrinks on load (a JPEG decodes at
/// 1/2, 1/4 or 1/8 scale through the codec, a HEIF may use its embedded thumbnail); an image
/// already within <see cref="ImageDecodeOptions.MaxSide"/> decodes at full size. The EXIF
/// orientation is applied to the decoded pixels by <see cref="RgbOrientation"/> (cheaper than libvips').
/// Files are read by libvips from a descriptor .NET opened, never copied into managed memory.
/// </para>
/// Thread-safe. Every failure is an <see cref="ImageDecodeException"/> naming the file and the kind.
/// </summary>
public static class ImageDecoder
{
    public static DecodedImage Decode(string path, ImageDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ImageDecodeOptions.Default;
        options.Validate();
        return VipsCallGate.Run(() =>
        {
            using var input = VipsInput.OpenFile(path);
            return DecodeInput(input, options);
        });
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="name"/> names it in errors.</summary>
    public static unsafe DecodedImage Decode(ReadOnlySpan<byte> encoded, string name, ImageDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        options ??= ImageDecodeOptions.Default;
        options.Validate();
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException(name, ImageErrorKind.Empty, "no bytes were given");
        }

        // libvips reads lazily from the caller's buffer, so it stays pinned until the pixels are out.
        fixed (byte* p = encoded)
        {
            var data = (IntPtr)p;
            var length = encoded.Length;
            return VipsCallGate.Run(() =>
            {
                using var input = VipsInput.FromPinnedMemory(data, length, name);
                return DecodeInput(input, options);
            });
        }
    }

    private static DecodedImage DecodeInput(VipsInput input, ImageDecodeOptions options)
    {
        var header = ImageHeader.Read(input);
        header.CheckPixelLimit(input.Name, options.MaxPixels);

        // size=down never enlarges, so a box of the image's own longer side decodes it at full size.
        // The box is square, so it fits the upright picture too; orientation is applied afterwards.
        var box = options.MaxSide > 0 ? options.MaxSide : Math.Max(header.Width, header.Height);
        using var chain = new VipsChain((step, text) => ImageFailure.Failed(input, step, text));
        var loaded = chain.Load(input, box, applyOrientation: false);
        var stored = chain.ReadRgb(chain.ToSrgb8(loaded));
        var scale = stored.Width == header.Width ? 1.0 : (double)stored.Width / header.Width;
        var apply = options.ApplyOrientation && header.Orientation != 1;
        var image = apply ? RgbOrientation.Apply(stored, header.Orientation) : stored;
        return new DecodedImage(image, header.Width, header.Height, header.Orientation, apply, scale);
    }
}
