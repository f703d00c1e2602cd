using System.Runtime.InteropServices;
using Retrieval.Models.Native;

namespace Retrieval.Models.Imaging;

/// <summary>
/// The libvips C API surface this project uses, and nothing else. Variadic libvips functions are
/// declared with fixed signatures that end in the NULL sentinel; only pointer, int and string
/// optional arguments are passed that way (doubles would not arrive correctly). Every call that can
/// fail runs inside <see cref="VipsCallGate"/>, which is what makes the error text trustworthy.
/// </summary>
internal static partial class VipsNative
{
    private const string Lib = NativeLibraries.Vips;

    private static readonly Lock InitLock = new();
    private static bool initialized;

    /// <summary>Starts libvips once per process; our own pipeline parallelizes, so libvips' threads are limited to one.</summary>
    public static void EnsureInitialized()
    {
        if (Volatile.Read(ref initialized))
        {
            return;
        }

        lock (InitLock)
        {
            if (initialized)
            {
                return;
            }

            if (vips_init("retrieval") != 0)
            {
                throw new VipsException("libvips failed to start: " + TakeErrorBuffer());
            }

            vips_concurrency_set(1);

            // No operation cache: results must not outlive the caller's buffers or file descriptors.
            vips_cache_set_max(0);
            vips_leak_set(0);
            Volatile.Write(ref initialized, true);
        }
    }

    /// <summary>Copies and clears libvips' process-wide error buffer in one locked step. Use <see cref="VipsCallGate.FailureText"/> instead.</summary>
    internal static string TakeErrorBuffer()
    {
        var copy = vips_error_buffer_copy();
        if (copy == IntPtr.Zero)
        {
            return string.Empty;
        }

        try
        {
            return Marshal.PtrToStringUTF8(copy) ?? string.Empty;
        }
        finally
        {
            g_free(copy);
        }
    }

    /// <summary>Wraps a returned image, or throws a <see cref="VipsException"/> with the gate's error text.</summary>
    public static VipsImageHandle Check(IntPtr image, string what)
    {
        if (image == IntPtr.Zero)
        {
            throw new VipsException($"{what} failed: {VipsCallGate.FailureText()}");
        }

        return new VipsImageHandle(image);
    }

    /// <summary>Wraps an operation's output image, or throws a <see cref="VipsException"/> with the gate's error text.</summary>
    public static VipsImageHandle Check(int status, IntPtr image, string what)
    {
        if (status != 0 || image == IntPtr.Zero)
        {
            if (image != IntPtr.Zero)
            {
                g_object_unref(image);
            }

            throw new VipsException($"{what} failed: {VipsCallGate.FailureText()}");
        }

        return new VipsImageHandle(image);
    }

    /// <summary>
    /// Encodes <paramref name="image"/> in memory with the saver for <paramref name="suffix"/> (".png",
    /// ".jpg[Q=90]", ".avif"); returns null when libvips failed (read the gate's text then).
    /// </summary>
    public static byte[]? WriteToMemory(VipsImageHandle image, string suffix)
    {
        using var target = new VipsTargetHandle(vips_target_new_to_memory());
        if (target.IsInvalid || vips_image_write_to_target(image, suffix, target, IntPtr.Zero) != 0)
        {
            return null;
        }

        g_object_get(target, "blob", out var blob, IntPtr.Zero);
        if (blob == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            var data = vips_blob_get(blob, out var length);
            var bytes = new byte[checked((int)length)];
            Marshal.Copy(data, bytes, 0, bytes.Length);
            return bytes;
        }
        finally
        {
            vips_area_unref(blob);
        }
    }

    /// <summary>Copies a g_malloc'ed buffer into a managed array and frees it.</summary>
    public static byte[] TakeBuffer(IntPtr buffer, nuint length)
    {
        try
        {
            var bytes = new byte[checked((int)length)];
            Marshal.Copy(buffer, bytes, 0, bytes.Length);
            return bytes;
        }
        finally
        {
            g_free(buffer);
        }
    }

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_init(string argv0);

    [LibraryImport(Lib)]
    internal static partial void vips_concurrency_set(int concurrency);

    [LibraryImport(Lib)]
    internal static partial void vips_cache_set_max(int max);

    [LibraryImport(Lib)]
    internal static partial void vips_leak_set(int leak);

    [LibraryImport(Lib)]
    internal static partial int vips_version(int flag);

    [LibraryImport(Lib)]
    internal static partial IntPtr vips_error_buffer_copy();

    [LibraryImport(Lib)]
    internal static partial void vips_error_clear();

    /// <summary>Appends to the error buffer; <paramref name="text"/> is a printf format, so it must not contain '%'.</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void vips_error(string domain, string text);

    [LibraryImport(Lib)]
    internal static partial void g_object_unref(IntPtr obj);

    [LibraryImport(Lib)]
    internal static partial void g_free(IntPtr mem);

    [LibraryImport(Lib)]
    internal static partial int vips_image_get_width(VipsImageHandle image);

    [LibraryImport(Lib)]
    internal static partial int vips_image_get_height(VipsImageHandle image);

    [LibraryImport(Lib)]
    internal static partial int vips_image_get_bands(VipsImageHandle image);

    [LibraryImport(Lib)]
    internal static partial int vips_image_get_format(VipsImageHandle image);

    [LibraryImport(Lib)]
    internal static partial int vips_image_get_interpretation(VipsImageHandle image);

    [LibraryImport(Lib)]
    internal static partial int vips_image_hasalpha(VipsImageHandle image);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_image_get_int(VipsImageHandle image, string name, out int value);

    /// <summary>The string stays owned by the image.</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_image_get_string(VipsImageHandle image, string name, out IntPtr value);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nuint vips_image_get_typeof(VipsImageHandle image, string name);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void vips_image_set_int(VipsImageHandle image, string name, int value);

    /// <summary>libvips dup()s the descriptor, so the caller keeps ownership of its own.</summary>
    [LibraryImport(Lib)]
    internal static partial IntPtr vips_source_new_from_descriptor(int descriptor);

    /// <summary>No copy is made: the memory must stay pinned until the source and every image read from it are released.</summary>
    [LibraryImport(Lib)]
    internal static partial IntPtr vips_source_new_from_memory(IntPtr data, nuint length);

    /// <summary>The loader's class name (static storage, not to be freed), or NULL when no loader recognises the bytes.</summary>
    [LibraryImport(Lib)]
    internal static partial IntPtr vips_foreign_find_load_source(VipsSourceHandle source);

    /// <summary>The saver's class name for a suffix such as ".jpg", or NULL. Target savers cover every format (AVIF has no buffer saver).</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr vips_foreign_find_save_target(string suffix);

    [LibraryImport(Lib)]
    internal static partial IntPtr vips_target_new_to_memory();

    /// <summary>Encodes with the saver picked by <paramref name="suffix"/> (".png", ".jpg[Q=90]", ...).</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_image_write_to_target(VipsImageHandle image, string suffix, VipsTargetHandle target, IntPtr end);

    /// <summary>Reads one pointer-valued property; used for a memory target's "blob" (a new VipsArea reference).</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void g_object_get(VipsTargetHandle target, string name, out IntPtr value, IntPtr end);

    [LibraryImport(Lib)]
    internal static partial IntPtr vips_blob_get(IntPtr blob, out nuint length);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr vips_image_new_from_source(VipsSourceHandle source, string optionString, string accessName, int access, string failOnName, int failOn, IntPtr end);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_thumbnail_source(VipsSourceHandle source, out IntPtr output, int width, string heightName, int height, string sizeName, int size, string noRotateName, int noRotate, string optionStringName, string optionString, IntPtr end);

    [LibraryImport(Lib)]
    internal static partial int vips_colourspace(VipsImageHandle input, out IntPtr output, int space, IntPtr end);

    [LibraryImport(Lib)]
    internal static partial int vips_cast(VipsImageHandle input, out IntPtr output, int format, IntPtr end);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_copy(VipsImageHandle input, out IntPtr output, string interpretationName, int interpretation, IntPtr end);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_extract_band(VipsImageHandle input, out IntPtr output, int band, string nName, int n, IntPtr end);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_flatten(VipsImageHandle input, out IntPtr output, string backgroundName, IntPtr background, IntPtr end);

    [LibraryImport(Lib)]
    internal static partial IntPtr vips_array_double_new([In] double[] array, int n);

    [LibraryImport(Lib)]
    internal static partial void vips_area_unref(IntPtr area);

    [LibraryImport(Lib)]
    internal static partial IntPtr vips_image_write_to_memory(VipsImageHandle image, out nuint size);

    [LibraryImport(Lib)]
    internal static unsafe partial IntPtr vips_image_new_from_memory_copy(byte* data, nuint size, int width, int height, int bands, int format);

    /// <summary><paramref name="keep"/> is a VipsForeignKeep flag set; 0 strips all metadata.</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_jpegsave_buffer(VipsImageHandle image, out IntPtr buffer, out nuint length, string qName, int q, string keepName, int keep, IntPtr end);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_text(out IntPtr output, string text, string fontName, string font, string dpiName, int dpi, IntPtr end);

    [LibraryImport(Lib)]
    internal static partial int vips_rotate(VipsImageHandle input, out IntPtr output, double angle, IntPtr end);
}
