namespace Retrieval.Models.Imaging;

/// <summary>How to turn a file into an <see cref="RgbImage"/>.</summary>
public sealed record ImageDecodeOptions
{
    public static ImageDecodeOptions Default { get; } = new();

    /// <summary>Apply the EXIF orientation (true), or keep the stored pixels (benchmark ground truth is in stored pixels).</summary>
    public bool ApplyOrientation { get; init; } = true;

    /// <summary>Shrink on load so the longer side is at most this many pixels; 0 keeps the full size.</summary>
    public int MaxSide { get; init; } = 4096;

    /// <summary>Refuse images with more pixels than this (decompression bombs).</summary>
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

/// <summary>
/// Decodes images with libvips: any format libvips loads, EXIF orientation, shrink-on-load,
/// grey/alpha/CMYK/16-bit converted to 8-bit sRGB. Thread-safe. Every failure is an
/// <see cref="ImageDecodeException"/> that names the file and the kind of problem.
/// </summary>
public static class ImageDecoder
{
    public static DecodedImage Decode(string path, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ImageDecodeException(path, ImageErrorKind.NotFound, "no such file");
            }

            if (info.Length == 0)
            {
                throw new ImageDecodeException(path, ImageErrorKind.Empty, "the file has zero bytes");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, ImageErrorKind.Unreadable, e.Message);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, ImageErrorKind.Unreadable, e.Message);
        }

        return Decode(bytes, path, options);
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="name"/> names it in errors.</summary>
    public static unsafe DecodedImage Decode(ReadOnlySpan<byte> encoded, string name, ImageDecodeOptions? options = null)
    {
        options ??= ImageDecodeOptions.Default;
        options.Validate();
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException(name, ImageErrorKind.Empty, "no bytes");
        }

        VipsNative.EnsureInitialized();

        // libvips decodes lazily from the caller's buffer, so it stays pinned until the pixels are out.
        fixed (byte* p = encoded)
        {
            var raw = VipsNative.vips_image_new_from_buffer(p, (nuint)encoded.Length, string.Empty, "fail_on", VipsNative.FailOnTruncated, IntPtr.Zero);
            if (raw == IntPtr.Zero)
            {
                var error = VipsNative.TakeError();
                var kind = error.Contains("not a known", StringComparison.OrdinalIgnoreCase) || error.Contains("unsupported", StringComparison.OrdinalIgnoreCase)
                    ? ImageErrorKind.Unsupported
                    : ClassifyError(error);
                throw new ImageDecodeException(name, kind, OneLine(error));
            }

            using var image = new VipsImageHandle(raw);
            return Materialize(image, name, options);
        }
    }

    private static DecodedImage Materialize(VipsImageHandle loaded, string name, ImageDecodeOptions options)
    {
        var width = loaded.Width;
        var height = loaded.Height;
        if ((long)width * height > options.MaxPixels)
        {
            throw new ImageDecodeException(name, ImageErrorKind.TooLarge, $"{width}x{height} is {(long)width * height:N0} pixels, over the limit of {options.MaxPixels:N0}");
        }

        var orientation = 1;
        if (VipsNative.vips_image_get_typeof(loaded, "orientation") != 0 && VipsNative.vips_image_get_int(loaded, "orientation", out var o) == 0)
        {
            orientation = o is >= 1 and <= 8 ? o : 1;
        }

        var chain = new List<VipsImageHandle>();
        try
        {
            var current = loaded;
            if (options.ApplyOrientation && orientation != 1)
            {
                current = Step(chain, VipsNative.vips_autorot(current, out var rotated, IntPtr.Zero), rotated, name, "orientation");
            }

            var orientedWidth = current.Width;
            var scale = 1.0;
            if (options.MaxSide > 0 && Math.Max(current.Width, current.Height) > options.MaxSide)
            {
                current = Step(chain, VipsNative.vips_thumbnail_image(current, out var small, options.MaxSide, "height", options.MaxSide, "size", VipsNative.SizeDown, IntPtr.Zero), small, name, "shrink");
                scale = (double)current.Width / orientedWidth;
            }

            current = ToSrgb8(chain, current, name);
            var size = 0u;
            var memory = VipsNative.vips_image_write_to_memory(current, out var written);
            if (memory == IntPtr.Zero)
            {
                var error = VipsNative.TakeError();
                throw new ImageDecodeException(name, ClassifyError(error), OneLine(error));
            }

            try
            {
                size = (uint)written;
                var w = current.Width;
                var h = current.Height;
                var pixels = new byte[w * h * 3];
                if (size != pixels.Length)
                {
                    throw new ImageDecodeException(name, ImageErrorKind.Corrupt, $"decoded {size} bytes for {w}x{h} RGB");
                }

                System.Runtime.InteropServices.Marshal.Copy(memory, pixels, 0, pixels.Length);
                return new DecodedImage(new RgbImage(w, h, pixels), width, height, orientation, options.ApplyOrientation && orientation != 1, scale);
            }
            finally
            {
                VipsNative.g_free(memory);
            }
        }
        finally
        {
            foreach (var handle in chain)
            {
                handle.Dispose();
            }
        }
    }

    /// <summary>Any band layout, interpretation and depth to 3-band 8-bit sRGB; alpha is flattened onto white.</summary>
    private static VipsImageHandle ToSrgb8(List<VipsImageHandle> chain, VipsImageHandle current, string name)
    {
        var interpretation = current.Interpretation;
        var bands = current.Bands;
        var hasAlpha = bands == 2 || (bands == 4 && interpretation != VipsInterpretation.Cmyk) || bands == 5;
        if (hasAlpha)
        {
            var white = interpretation is VipsInterpretation.Rgb16 or VipsInterpretation.Grey16 ? 65535.0 : 255.0;
            var background = VipsNative.vips_array_double_new([white, white, white, white], bands - 1);
            try
            {
                current = Step(chain, VipsNative.vips_flatten(current, out var flat, "background", background, IntPtr.Zero), flat, name, "alpha flatten");
            }
            finally
            {
                VipsNative.vips_area_unref(background);
            }
        }

        if (current.Interpretation != VipsInterpretation.Srgb || current.Bands != 3)
        {
            current = Step(chain, VipsNative.vips_colourspace(current, out var srgb, (int)VipsInterpretation.Srgb, IntPtr.Zero), srgb, name, "colour conversion");
        }

        if (current.Bands > 3)
        {
            current = Step(chain, VipsNative.vips_extract_band(current, out var rgb, 0, "n", 3, IntPtr.Zero), rgb, name, "band extraction");
        }

        if (current.Format != VipsBandFormat.UChar)
        {
            current = Step(chain, VipsNative.vips_cast(current, out var bytes, (int)VipsBandFormat.UChar, IntPtr.Zero), bytes, name, "8-bit conversion");
        }

        return current;
    }

    private static VipsImageHandle Step(List<VipsImageHandle> chain, int status, IntPtr output, string name, string what)
    {
        if (status != 0 || output == IntPtr.Zero)
        {
            if (output != IntPtr.Zero)
            {
                VipsNative.g_object_unref(output);
            }

            var error = VipsNative.TakeError();
            throw new ImageDecodeException(name, ClassifyError(error), $"{what}: {OneLine(error)}");
        }

        var handle = new VipsImageHandle(output);
        chain.Add(handle);
        return handle;
    }

    private static ImageErrorKind ClassifyError(string error) =>
        error.Contains("truncat", StringComparison.OrdinalIgnoreCase) || error.Contains("premature end", StringComparison.OrdinalIgnoreCase) || error.Contains("unexpected end", StringComparison.OrdinalIgnoreCase)
            ? ImageErrorKind.Truncated
            : ImageErrorKind.Corrupt;

    private static string OneLine(string error)
    {
        var text = error.Replace('\n', ' ').Trim();
        return text.Length == 0 ? "libvips gave no reason" : text;
    }
}
