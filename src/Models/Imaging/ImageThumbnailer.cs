namespace Retrieval.Models.Imaging;

/// <summary>
/// Small JPEG previews for the HTTP API and reports: fits in size x size (never enlarged), oriented
/// unless <see cref="ImageDecodeOptions.ApplyOrientation"/> is false, alpha flattened onto white,
/// metadata stripped. Shrinks on load through vips_thumbnail, so a 24-megapixel JPEG is decoded at
/// 1/8 scale for a 256-pixel preview. The pixel limit applies as in <see cref="ImageDecoder"/>
/// (<see cref="ImageDecodeOptions.MaxSide"/> does not: <c>size</c> rules). Errors are
/// <see cref="ImageDecodeException"/>s.
/// </summary>
public static class ImageThumbnailer
{
    public const int DefaultQuality = 80;

    public static byte[] ThumbnailJpeg(string path, int size, ImageDecodeOptions? options = null, int quality = DefaultQuality)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 65_535);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        options ??= ImageDecodeOptions.Default;
        options.Validate();
        return VipsCallGate.Run(() =>
        {
            using var input = VipsInput.OpenFile(path);
            var header = ImageHeader.Read(input);
            header.CheckPixelLimit(input.Name, options.MaxPixels);
            using var chain = new VipsChain((step, text) => ImageFailure.Failed(input, step, text));
            var rgb = chain.ToSrgb8(chain.Load(input, size, options.ApplyOrientation));

            // Encoding runs the lazy pipeline, so decode failures (a truncated file) surface here.
            if (VipsNative.vips_jpegsave_buffer(rgb, out var buffer, out var length, "Q", quality, "keep", 0, IntPtr.Zero) != 0)
            {
                throw ImageFailure.Failed(input, "making the JPEG thumbnail", VipsCallGate.FailureText());
            }

            return VipsNative.TakeBuffer(buffer, length);
        });
    }
}
