using Microsoft.Win32.SafeHandles;

namespace Retrieval.Models.Imaging;

/// <summary>An owned reference to a GObject (libvips images, sources and targets are all GObjects); released with g_object_unref.</summary>
internal abstract class GObjectHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    protected GObjectHandle()
        : base(ownsHandle: true)
    {
    }

    protected GObjectHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        VipsNative.g_object_unref(handle);
        return true;
    }
}

/// <summary>An owned libvips image.</summary>
internal sealed class VipsImageHandle : GObjectHandle
{
    public VipsImageHandle()
    {
    }

    public VipsImageHandle(IntPtr handle)
        : base(handle)
    {
    }

    public int Width => VipsNative.vips_image_get_width(this);

    public int Height => VipsNative.vips_image_get_height(this);

    public int Bands => VipsNative.vips_image_get_bands(this);

    public VipsBandFormat Format => (VipsBandFormat)VipsNative.vips_image_get_format(this);

    public VipsInterpretation Interpretation => (VipsInterpretation)VipsNative.vips_image_get_interpretation(this);

    public bool HasAlpha => VipsNative.vips_image_hasalpha(this) != 0;

    /// <summary>An int metadata field, or null when the image has no such field (asking libvips for a missing field would log an error).</summary>
    public int? GetInt(string name) =>
        VipsNative.vips_image_get_typeof(this, name) != 0 && VipsNative.vips_image_get_int(this, name, out var value) == 0 ? value : null;

    /// <summary>A string metadata field, or null when absent.</summary>
    public string? GetString(string name) =>
        VipsNative.vips_image_get_typeof(this, name) != 0 && VipsNative.vips_image_get_string(this, name, out var value) == 0
            ? System.Runtime.InteropServices.Marshal.PtrToStringUTF8(value)
            : null;
}

/// <summary>An owned libvips input stream (VipsSource) over a file descriptor or caller memory.</summary>
internal sealed class VipsSourceHandle : GObjectHandle
{
    public VipsSourceHandle()
    {
    }

    public VipsSourceHandle(IntPtr handle)
        : base(handle)
    {
    }
}

/// <summary>An owned libvips output stream (VipsTarget); encoders write to memory through one.</summary>
internal sealed class VipsTargetHandle : GObjectHandle
{
    public VipsTargetHandle()
    {
    }

    public VipsTargetHandle(IntPtr handle)
        : base(handle)
    {
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

/// <summary>VipsAccess: how pixels will be read. Sequential lets loaders stream strips instead of decoding to a whole-image buffer first.</summary>
internal enum VipsAccess
{
    Random = 0,
    Sequential = 1,
}

/// <summary>VipsFailOn: the lowest severity of loader problem that fails the load.</summary>
internal enum VipsFailOn
{
    None = 0,
    Truncated = 1,
    Error = 2,
    Warning = 3,
}

/// <summary>VipsSize: whether vips_thumbnail may shrink, enlarge or both.</summary>
internal enum VipsSize
{
    Both = 0,
    Up = 1,
    Down = 2,
    Force = 3,
}
