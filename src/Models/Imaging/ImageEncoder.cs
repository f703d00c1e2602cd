namespace Retrieval.Models.Imaging;

/// <summary>Writes <see cref="RgbImage"/>s as files or encoded bytes (JPEG, PNG, WebP, TIFF, ... by extension) with libvips.</summary>
public static class ImageEncoder
{
    /// <summary>Saves <paramref name="image"/> to <paramref name="path"/>; the format follows the extension.</summary>
    /// <param name="orientation">An EXIF orientation tag (1..8) to store with the file, or null for none.</param>
    public static void Save(RgbImage image, string path, int? orientation = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var handle = ToVips(image);
        if (orientation is { } o)
        {
            VipsNative.vips_image_set_int(handle, "orientation", o);
        }

        if (VipsNative.vips_image_write_to_file(handle, path, IntPtr.Zero) != 0)
        {
            throw new VipsException($"Could not write {path}: {VipsNative.TakeError()}");
        }
    }

    public static byte[] EncodeJpeg(RgbImage image, int quality = 85)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        using var handle = ToVips(image);
        if (VipsNative.vips_jpegsave_buffer(handle, out var buffer, out var length, "Q", quality, IntPtr.Zero) != 0)
        {
            throw new VipsException($"JPEG encoding failed: {VipsNative.TakeError()}");
        }

        return TakeBuffer(buffer, length);
    }

    public static byte[] EncodePng(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var handle = ToVips(image);
        if (VipsNative.vips_pngsave_buffer(handle, out var buffer, out var length, IntPtr.Zero) != 0)
        {
            throw new VipsException($"PNG encoding failed: {VipsNative.TakeError()}");
        }

        return TakeBuffer(buffer, length);
    }

    internal static unsafe VipsImageHandle ToVips(RgbImage image)
    {
        VipsNative.EnsureInitialized();
        fixed (byte* p = image.Pixels)
        {
            var raw = VipsNative.vips_image_new_from_memory_copy(p, (nuint)(image.Stride * image.Height), image.Width, image.Height, 3, (int)VipsBandFormat.UChar);
            return VipsNative.Check(raw, "Copying pixels into libvips");
        }
    }

    private static byte[] TakeBuffer(IntPtr buffer, nuint length)
    {
        try
        {
            var bytes = new byte[(int)length];
            System.Runtime.InteropServices.Marshal.Copy(buffer, bytes, 0, bytes.Length);
            return bytes;
        }
        finally
        {
            VipsNative.g_free(buffer);
        }
    }
}
