using System.Runtime.InteropServices;
using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Imaging;

/// <summary>
/// Writes test files whose layout <see cref="ImageEncoder"/> never produces (grey, grey+alpha,
/// RGBA, CMYK, 16-bit, animated), with libvips itself, so every fixture is made at test time.
/// </summary>
internal static class VipsFixtures
{
    /// <summary>Interleaved 8-bit samples with an explicit interpretation, saved by extension (with libvips "[options]").</summary>
    public static void SaveBytes(string pathWithOptions, byte[] samples, int width, int height, int bands, VipsInterpretation interpretation, int? pageHeight = null) =>
        Save(pathWithOptions, samples, width, height, bands, VipsBandFormat.UChar, interpretation, pageHeight);

    /// <summary>Interleaved 16-bit samples (RGB16, GREY16) saved by extension.</summary>
    public static void SaveUShorts(string pathWithOptions, ushort[] samples, int width, int height, int bands, VipsInterpretation interpretation) =>
        Save(pathWithOptions, MemoryMarshal.AsBytes(samples.AsSpan()).ToArray(), width, height, bands, VipsBandFormat.UShort, interpretation, null);

    /// <summary>Converts sRGB pixels to CMYK with libvips (which attaches its CMYK profile) and saves a CMYK JPEG.</summary>
    public static void SaveCmykJpegFromSrgb(string path, RgbImage image) => VipsCallGate.Run(() =>
    {
        using var rgb = ImageEncoder.ToVips(image);
        using var cmyk = VipsNative.Check(VipsNative.vips_colourspace(rgb, out var c, (int)VipsInterpretation.Cmyk, IntPtr.Zero), c, "sRGB to CMYK");
        cmyk.Interpretation.Should().Be(VipsInterpretation.Cmyk);
        cmyk.Bands.Should().Be(4);
        WriteBuffer(cmyk, ".jpg[Q=95]", path);
        return 0;
    });

    public static T[] Repeat<T>(int count, params T[] pixel)
    {
        var result = new T[count * pixel.Length];
        for (var i = 0; i < count; i++)
        {
            pixel.CopyTo(result, i * pixel.Length);
        }

        return result;
    }

    private static unsafe void Save(string pathWithOptions, byte[] data, int width, int height, int bands, VipsBandFormat format, VipsInterpretation interpretation, int? pageHeight) =>
        VipsCallGate.Run(() =>
        {
            fixed (byte* p = data)
            {
                using var raw = VipsNative.Check(VipsNative.vips_image_new_from_memory_copy(p, (nuint)data.Length, width, height, bands, (int)format), "fixture pixels");
                using var typed = VipsNative.Check(VipsNative.vips_copy(raw, out var t, "interpretation", (int)interpretation, IntPtr.Zero), t, "fixture interpretation");
                if (pageHeight is { } ph)
                {
                    VipsNative.vips_image_set_int(typed, "page-height", ph);
                }

                var bracket = pathWithOptions.IndexOf('[', StringComparison.Ordinal);
                var path = bracket < 0 ? pathWithOptions : pathWithOptions[..bracket];
                WriteBuffer(typed, Path.GetExtension(path) + (bracket < 0 ? string.Empty : pathWithOptions[bracket..]), path);
            }

            return 0;
        });

    private static void WriteBuffer(VipsImageHandle image, string suffix, string path)
    {
        var bytes = VipsNative.WriteToMemory(image, suffix) ?? throw new VipsException($"Writing fixture {path} failed: {VipsCallGate.FailureText()}");
        File.WriteAllBytes(path, bytes);
    }
}
