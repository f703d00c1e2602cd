using System.Runtime.InteropServices;

namespace Retrieval.Models.Imaging;

/// <summary>
/// Owns the images of one libvips pipeline (each operation returns a new reference) and releases
/// them together. A failed step becomes the caller's typed exception through <c>fail(step, text)</c>.
/// </summary>
internal sealed class VipsChain(Func<string, string, Exception> fail) : IDisposable
{
    private readonly List<VipsImageHandle> owned = [];

    /// <summary>Takes ownership of an operation's output, or throws when the operation failed.</summary>
    public VipsImageHandle Step(int status, IntPtr output, string step)
    {
        if (status != 0 || output == IntPtr.Zero)
        {
            if (output != IntPtr.Zero)
            {
                VipsNative.g_object_unref(output);
            }

            throw fail(step, VipsCallGate.FailureText());
        }

        var handle = new VipsImageHandle(output);
        owned.Add(handle);
        return handle;
    }

    /// <summary>
    /// Loads <paramref name="input"/> to fit a <paramref name="box"/> x <paramref name="box"/> square,
    /// never enlarged, shrinking on load where the format allows; oriented upright unless told not to.
    /// The result is lazy: pixels are decoded when the pipeline is read.
    /// </summary>
    public VipsImageHandle Load(VipsInput input, int box, bool applyOrientation)
    {
        // fail_on goes in the loader's option string: as a vips_thumbnail option it did not stop a truncated JPEG.
        var status = VipsNative.vips_thumbnail_source(
            input.Source,
            out var output,
            box,
            "height",
            box,
            "size",
            (int)VipsSize.Down,
            "no_rotate",
            applyOrientation ? 0 : 1,
            "option_string",
            "fail_on=truncated",
            IntPtr.Zero);
        return Step(status, output, "loading");
    }

    /// <summary>
    /// Any band layout, interpretation and depth to 3-band 8-bit sRGB. Colour conversion comes first,
    /// so 16-bit alpha is scaled with the colours; alpha is then flattened onto white.
    /// </summary>
    public VipsImageHandle ToSrgb8(VipsImageHandle current)
    {
        if (current.Interpretation != VipsInterpretation.Srgb)
        {
            current = Step(VipsNative.vips_colourspace(current, out var srgb, (int)VipsInterpretation.Srgb, IntPtr.Zero), srgb, "colour conversion to sRGB");
        }

        if (current.Format != VipsBandFormat.UChar)
        {
            current = Step(VipsNative.vips_cast(current, out var bytes, (int)VipsBandFormat.UChar, IntPtr.Zero), bytes, "8-bit conversion");
        }

        if (current.HasAlpha)
        {
            var background = VipsNative.vips_array_double_new([255.0, 255.0, 255.0], 3);
            try
            {
                current = Step(VipsNative.vips_flatten(current, out var flat, "background", background, IntPtr.Zero), flat, "flattening alpha onto white");
            }
            finally
            {
                VipsNative.vips_area_unref(background);
            }
        }

        if (current.Bands > 3)
        {
            current = Step(VipsNative.vips_extract_band(current, out var rgb, 0, "n", 3, IntPtr.Zero), rgb, "band extraction");
        }

        return current;
    }

    /// <summary>Runs the pipeline (this is where a lazy loader decodes) and copies the 8-bit RGB pixels out.</summary>
    public RgbImage ReadRgb(VipsImageHandle image)
    {
        var memory = VipsNative.vips_image_write_to_memory(image, out var size);
        if (memory == IntPtr.Zero)
        {
            throw fail("decoding pixels", VipsCallGate.FailureText());
        }

        try
        {
            var width = image.Width;
            var height = image.Height;
            var pixels = new byte[checked(width * height * 3)];
            if (image.Bands != 3 || size != (nuint)pixels.Length)
            {
                throw fail("decoding pixels", $"libvips produced {size} bytes in {image.Bands} bands for {width}x{height} RGB");
            }

            Marshal.Copy(memory, pixels, 0, pixels.Length);
            return new RgbImage(width, height, pixels);
        }
        finally
        {
            VipsNative.g_free(memory);
        }
    }

    public void Dispose()
    {
        foreach (var handle in owned)
        {
            handle.Dispose();
        }

        owned.Clear();
    }
}
