using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Retrieval.Models.Native;

namespace Retrieval.Models.Imaging;

/// <summary>An owned reference to a libvips image (a GObject); released with g_object_unref.</summary>
internal sealed class VipsImageHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public VipsImageHandle()
        : base(ownsHandle: true)
    {
    }

    public VipsImageHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    public int Width => VipsNative.vips_image_get_width(this);

    public int Height => VipsNative.vips_image_get_height(this);

    public int Bands => VipsNative.vips_image_get_bands(this);

    public VipsBandFormat Format => (VipsBandFormat)VipsNative.vips_image_get_format(this);

    public VipsInterpretation Interpretation => (VipsInterpretation)VipsNative.vips_image_get_interpretation(this);

    protected override bool ReleaseHandle()
    {
        VipsNative.g_object_unref(handle);
        return true;
    }
}

internal enum VipsBandFormat
{
    UChar = 0,
    Char = 1,
    UShort = 2,
    Short = 3,
    UInt = 4,
    Int = 5,
    Float = 6,
    Complex = 7,
    Double = 8,
    DpComplex = 9,
}

internal enum VipsInterpretation
{
    Multiband = 0,
    BW = 1,
    Histogram = 10,
    Xyz = 12,
    Lab = 13,
    Cmyk = 15,
    Labq = 16,
    Rgb = 17,
    Cmc = 18,
    Lch = 19,
    Labs = 21,
    Srgb = 22,
    Yxy = 23,
    Fourier = 24,
    Rgb16 = 25,
    Grey16 = 26,
    Matrix = 27,
    ScRgb = 28,
    Hsv = 29,
}

/// <summary>
/// The libvips C API surface this project uses, and nothing else. Variadic libvips functions are
/// declared with fixed signatures that end in the NULL sentinel; only pointer, int and string
/// optional arguments are passed that way (doubles would not arrive correctly).
/// </summary>
internal static partial class VipsNative
{
    private const string Lib = NativeLibraries.Vips;

    public const int FailOnTruncated = 1;
    public const int SizeDown = 1;
    public const int AccessSequential = 1;

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
                throw new VipsException("libvips failed to start: " + TakeError());
            }

            vips_concurrency_set(1);
            vips_cache_set_max(0);
            vips_leak_set(0);
            Volatile.Write(ref initialized, true);
        }
    }

    /// <summary>Takes libvips' error buffer (per thread in recent libvips) and clears it.</summary>
    public static string TakeError()
    {
        var text = Marshal.PtrToStringUTF8(vips_error_buffer()) ?? string.Empty;
        vips_error_clear();
        return text.Trim();
    }

    public static VipsImageHandle Check(IntPtr image, string what)
    {
        if (image == IntPtr.Zero)
        {
            throw new VipsException($"{what} failed: {TakeError()}");
        }

        return new VipsImageHandle(image);
    }

    public static VipsImageHandle Check(int status, IntPtr image, string what)
    {
        if (status != 0 || image == IntPtr.Zero)
        {
            if (image != IntPtr.Zero)
            {
                g_object_unref(image);
            }

            throw new VipsException($"{what} failed: {TakeError()}");
        }

        return new VipsImageHandle(image);
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
    internal static partial IntPtr vips_error_buffer();

    [LibraryImport(Lib)]
    internal static partial void vips_error_clear();

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

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_image_get_int(VipsImageHandle image, string name, out int value);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nuint vips_image_get_typeof(VipsImageHandle image, string name);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr vips_foreign_find_load(string filename);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr vips_image_new_from_file(string name, string failOn, int failOnValue, IntPtr end);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial IntPtr vips_image_new_from_buffer(byte* buffer, nuint length, string optionString, string failOn, int failOnValue, IntPtr end);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_thumbnail(string filename, out IntPtr output, int width, string heightName, int height, string sizeName, int size, string noRotateName, int noRotate, string failOnName, int failOn, IntPtr end);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_thumbnail_image(VipsImageHandle input, out IntPtr output, int width, string heightName, int height, string sizeName, int size, IntPtr end);

    [LibraryImport(Lib)]
    internal static partial int vips_autorot(VipsImageHandle input, out IntPtr output, IntPtr end);

    [LibraryImport(Lib)]
    internal static partial int vips_colourspace(VipsImageHandle input, out IntPtr output, int space, IntPtr end);

    [LibraryImport(Lib)]
    internal static partial int vips_cast(VipsImageHandle input, out IntPtr output, int format, IntPtr end);

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

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_image_write_to_file(VipsImageHandle image, string filename, IntPtr end);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_jpegsave_buffer(VipsImageHandle image, out IntPtr buffer, out nuint length, string qName, int q, IntPtr end);

    [LibraryImport(Lib)]
    internal static partial int vips_pngsave_buffer(VipsImageHandle image, out IntPtr buffer, out nuint length, IntPtr end);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_text(out IntPtr output, string text, string fontName, string font, string dpiName, int dpi, IntPtr end);

    [LibraryImport(Lib)]
    internal static partial int vips_rotate(VipsImageHandle input, out IntPtr output, double angle, IntPtr end);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void vips_image_set_int(VipsImageHandle image, string name, int value);
}
