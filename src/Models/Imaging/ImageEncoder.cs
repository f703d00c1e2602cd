namespace Retrieval.Models.Imaging;

/// <summary>
/// Writes <see cref="RgbImage"/>s as files or encoded bytes with libvips; the format follows the
/// extension (.jpg, .png, .webp, .tif, .gif, .avif; the bundled libvips has no BMP or HEVC encoder).
/// Failures are <see cref="ImageEncodeException"/>s; bad arguments are argument exceptions.
/// </summary>
public static class ImageEncoder
{
    /// <summary>
    /// Saves <paramref name="image"/> to <paramref name="path"/>, replacing any file there. The bytes
    /// go to a temporary file in the same folder that is then renamed, so a crash never leaves half an image.
    /// </summary>
    /// <param name="orientation">An EXIF orientation tag (1..8) to store with the file, or null for none.</param>
    public static void Save(RgbImage image, string path, int? orientation = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (orientation is < 1 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(orientation), orientation, "An EXIF orientation is 1..8.");
        }

        var suffix = Path.GetExtension(path).ToLowerInvariant();
        var bytes = Encode(image, suffix, orientation, path);
        Write(path, bytes);
    }

    public static byte[] EncodeJpeg(RgbImage image, int quality = 85)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        return Encode(image, $".jpg[Q={quality}]", null, "JPEG bytes");
    }

    public static byte[] EncodePng(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Encode(image, ".png", null, "PNG bytes");
    }

    /// <summary>Copies the pixels into a new libvips image; must run inside <see cref="VipsCallGate"/>.</summary>
    internal static unsafe VipsImageHandle ToVips(RgbImage image)
    {
        fixed (byte* p = image.Pixels)
        {
            var raw = VipsNative.vips_image_new_from_memory_copy(p, (nuint)(image.Stride * image.Height), image.Width, image.Height, 3, (int)VipsBandFormat.UChar);
            return VipsNative.Check(raw, "Copying pixels into libvips");
        }
    }

    private static byte[] Encode(RgbImage image, string suffix, int? orientation, string target) => VipsCallGate.Run(() =>
    {
        var format = suffix.Split('[')[0];
        if (format.Length == 0 || VipsNative.vips_foreign_find_save_target(format) == IntPtr.Zero)
        {
            var what = format.Length == 0 ? "the name has no extension" : $"no encoder for '{format}'";
            throw new ImageEncodeException(target, ImageEncodeErrorKind.UnsupportedFormat, $"{what}; use .jpg, .png, .webp, .tif, .gif or .avif");
        }

        using var handle = ToVips(image);
        if (orientation is { } o)
        {
            VipsNative.vips_image_set_int(handle, "orientation", o);
        }

        var bytes = VipsNative.WriteToMemory(handle, suffix);
        if (bytes is null)
        {
            // A saver can exist without its codec: the bundled libheif writes AV1 (.avif) but not HEVC (.heic).
            var text = VipsCallGate.FailureText();
            throw text.Contains("unsupported compression", StringComparison.OrdinalIgnoreCase)
                ? new ImageEncodeException(target, ImageEncodeErrorKind.UnsupportedFormat, $"{text}; this libvips has no encoder for '{format}', use .avif or .jpg")
                : new ImageEncodeException(target, ImageEncodeErrorKind.EncodeFailed, text);
        }

        return bytes;
    });

    private static void Write(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? full;
        if (Directory.Exists(full))
        {
            throw new ImageEncodeException(path, ImageEncodeErrorKind.NotWritable, "a folder already has this name; choose another file name");
        }

        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            var reason = e switch
            {
                DirectoryNotFoundException => $"the folder '{folder}' does not exist; create it first",
                UnauthorizedAccessException => $"permission denied in '{folder}'; write somewhere this user may write, or change the folder's permissions",
                _ => $"{e.Message}; check the folder is writable and the disk is not full",
            };
            throw new ImageEncodeException(path, ImageEncodeErrorKind.NotWritable, reason, e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure is the one worth reporting.
        }
    }
}
