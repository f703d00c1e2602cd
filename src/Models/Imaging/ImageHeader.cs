using System.Runtime.InteropServices;

namespace Retrieval.Models.Imaging;

/// <summary>
/// What an image's header says, read without decoding pixels: libvips loads lazily, so opening the
/// source parses only the header. Only loaders for photo formats are accepted; libvips would also
/// "load" a text file that happens to look like a matrix, or render an SVG.
/// </summary>
internal sealed class ImageHeader
{
    /// <summary>Loader class (as vips_foreign_find_load_source names it) to the format we report.</summary>
    private static readonly Dictionary<string, string> PhotoLoaders = new(StringComparer.Ordinal)
    {
        ["VipsForeignLoadJpegSource"] = "jpeg",
        ["VipsForeignLoadPngSource"] = "png",
        ["VipsForeignLoadSpngSource"] = "png",
        ["VipsForeignLoadWebpSource"] = "webp",
        ["VipsForeignLoadHeifSource"] = "heif",
        ["VipsForeignLoadTiffSource"] = "tiff",
        ["VipsForeignLoadNsgifSource"] = "gif",
        ["VipsForeignLoadGifSource"] = "gif",
    };

    private ImageHeader(int width, int height, int bands, string format, string loader, int orientation)
    {
        Width = width;
        Height = height;
        Bands = bands;
        Format = format;
        Loader = loader;
        Orientation = orientation;
    }

    /// <summary>Stored width, before orientation.</summary>
    public int Width { get; }

    /// <summary>Stored height, before orientation.</summary>
    public int Height { get; }

    public int Bands { get; }

    /// <summary>"jpeg", "png", "webp", "heic", "avif", "heif", "tiff" or "gif".</summary>
    public string Format { get; }

    /// <summary>The libvips loader's nickname, e.g. "jpegload_source".</summary>
    public string Loader { get; }

    /// <summary>The EXIF orientation tag, 1..8; 1 when absent or invalid.</summary>
    public int Orientation { get; }

    /// <summary>Whether showing the image upright swaps width and height (orientations 5..8).</summary>
    public bool SwapsAxes => Orientation >= 5;

    public long PixelCount => (long)Width * Height;

    /// <summary>Reads the header of <paramref name="input"/>; must run inside <see cref="VipsCallGate"/>.</summary>
    public static ImageHeader Read(VipsInput input)
    {
        var loaderClass = Marshal.PtrToStringUTF8(VipsNative.vips_foreign_find_load_source(input.Source));
        if (loaderClass is null)
        {
            throw ImageFailure.NoLoader(input);
        }

        if (!PhotoLoaders.TryGetValue(loaderClass, out var format))
        {
            var what = loaderClass.Contains("Svg", StringComparison.Ordinal) ? "an SVG drawing" : $"a file libvips reads with {loaderClass}";
            throw new ImageDecodeException(input.Name, ImageErrorKind.Unsupported, $"it is {what}, not a photo format; supported: JPEG, PNG, WebP, HEIC/AVIF, TIFF, GIF");
        }

        var raw = VipsNative.vips_image_new_from_source(input.Source, string.Empty, "access", (int)VipsAccess.Sequential, "fail_on", (int)VipsFailOn.Truncated, IntPtr.Zero);
        if (raw == IntPtr.Zero)
        {
            throw ImageFailure.Failed(input, "reading the header", VipsCallGate.FailureText());
        }

        using var image = new VipsImageHandle(raw);
        if (format == "heif")
        {
            format = image.GetString("heif-compression") switch
            {
                "av1" => "avif",
                "hevc" => "heic",
                _ => "heif",
            };
        }

        var orientation = image.GetInt("orientation") is { } o and >= 1 and <= 8 ? o : 1;
        var loader = image.GetString("vips-loader") ?? loaderClass;
        return new ImageHeader(image.Width, image.Height, image.Bands, format, loader, orientation);
    }

    /// <summary>Refuses images over the pixel limit before any pixel is decoded.</summary>
    public void CheckPixelLimit(string name, long maxPixels)
    {
        if (PixelCount > maxPixels)
        {
            throw new ImageDecodeException(
                name,
                ImageErrorKind.TooLarge,
                $"{Width}x{Height} is {PixelCount:N0} pixels, over the limit of {maxPixels:N0} (a guard against decompression bombs); raise MaxPixels if the image is trusted");
        }
    }
}
