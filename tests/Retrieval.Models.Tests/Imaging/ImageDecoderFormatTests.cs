using Retrieval.Models.Imaging;
using Xunit.Abstractions;

namespace Retrieval.Models.Tests.Imaging;

public sealed class ImageDecoderFormatTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// A 64x48 HEIC (HEVC) of <see cref="TestImages.Quadrants(int, int)"/>, 974 bytes, made for this test
    /// with Debian's heif-enc (libheif 1.15 + x265): the bundled libvips can write AVIF but not HEIC.
    /// </summary>
    private const string QuadrantsHeicBase64 =
        "AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAeRtZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAAAA5waXRtAA" +
        "AAAAACAAAAEGlkYXQAAAAAAEAAMAAAAExpbG9jAQAAAERAAAMAAQAAAAAAAAIIAAEAAAAAAAABDgACAAEAAAAAAAAAAQAAAAAAAAAIAAMAAAAA" +
        "AAADFgABAAAAAAAAALgAAABNaWluZgAAAAAAAwAAABVpbmZlAgAAAQABAABodmMxAAAAABVpbmZlAgAAAAACAABncmlkAAAAABVpbmZlAgAAAQ" +
        "ADAABFeGlmAAAAANhpcHJwAAAAtmlwY28AAAB2aHZjQwEDcAAAAAAAAAAAAB7wAPz9+PgAAA8DIAABABhAAQwB//8DcAAAAwCQAAADAAADAB66" +
        "AkAhAAEAKkIBAQNwAAADAJAAAAMAAAMAHqAggQWW6uSmubgQEDAgAAADACAAAAMAISIAAQAGRAHBc8CJAAAAFGlzcGUAAAAAAAAAQAAAAEAAAA" +
        "AUaXNwZQAAAAAAAABAAAAAMAAAABBwaXhpAAAAAAMICAgAAAAaaXBtYQAAAAAAAAACAAECgQIAAgIDhAAAAChpcmVmAAAAAAAAAA5kaW1nAAIA" +
        "AQABAAAADmNkc2MAAwABAAIAAAHObWRhdAAAAQooAa8GOPCXve237F7///WUfof09fon7OpadV5Eyvvyu7//yFEJCJK+fOQ8AkKIJgo5kSam8V" +
        "Nj9473P261EBIWtQ3AeKnEPRAXmNfYy1ODkLj83zflz/YR3q/B/6oA//kemVuMHHPD+7mz/7dS2PW2/Sn17JX/ItV30C41r+r5zPrn3oVjblW+" +
        "Z2r2dG5VailmHpCHZGqyZWnpVQWBOH3aysHwZyPR+ITxjJfl8ctCp27CPNiyhnqOg8okTFL8hO7oSE3i7RRos9DEY7qLgslo310UllWd8iF1xk" +
        "WwAIZKmJVQDLAK229qbhyOlmplZ5/0fN4BHO8d+fMF/70CWxsEVw6lv4AOWYtdgAAAAABJSSoACAAAAAYAEgEDAAEAAAABAAAAGgEFAAEAAABW" +
        "AAAAGwEFAAEAAABeAAAAKAEDAAEAAAACAAAAEwIDAAEAAAABAAAAaYcEAAEAAABmAAAAAAAAADhjAADoAwAAOGMAAOgDAAAGAACQBwAEAAAAMD" +
        "IxMAGRBwAEAAAAAQIDAACgBwAEAAAAMDEwMAGgAwABAAAA//8AAAKgBAABAAAAQAAAAAOgBAABAAAAMAAAAAAAAAA=";

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("png", 0)]
    [InlineData("tif", 0)]
    [InlineData("webp[lossless]", 0)]
    [InlineData("jpg[Q=95]", 4)]
    [InlineData("webp", 6)]
    [InlineData("avif", 8)]
    public void Each_supported_format_decodes_to_the_same_rgb_pixels(string format, double tolerance)
    {
        var original = TestImages.Quadrants(64, 48);
        var path = folder.File("image." + format.Split('[')[0]);
        VipsFixtures.SaveBytes(folder.File("image." + format), original.Pixels, 64, 48, 3, VipsInterpretation.Srgb);

        var decoded = ImageDecoder.Decode(path);

        decoded.Image.Width.Should().Be(64);
        decoded.Image.Height.Should().Be(48);
        decoded.Scale.Should().Be(1.0);
        TestImages.MeanAbsoluteDifference(decoded.Image, original).Should().BeLessThanOrEqualTo(tolerance);
    }

    [Fact]
    public void A_heic_photo_probes_but_its_pixels_are_unsupported_because_the_bundled_libvips_has_no_hevc_decoder()
    {
        var path = folder.Write("photo.heic", Convert.FromBase64String(QuadrantsHeicBase64));

        var info = ImageProbe.Probe(path);
        var decode = () => ImageDecoder.Decode(path);
        var thumbnail = () => ImageThumbnailer.ThumbnailJpeg(path, 32);

        (info.Format, info.Width, info.Height).Should().Be(("heic", 64, 48));
        var error = decode.Should().Throw<ImageDecodeException>().Which;
        output.WriteLine(error.Message);
        error.Kind.Should().Be(ImageErrorKind.Unsupported);
        error.Detail.Should().Contain("HEVC");
        thumbnail.Should().Throw<ImageDecodeException>().Which.Kind.Should().Be(ImageErrorKind.Unsupported);
    }

    [Fact]
    public void An_animated_gif_decodes_its_first_frame()
    {
        var red = VipsFixtures.Repeat(32 * 24, (byte)220, (byte)30, (byte)30);
        var blue = VipsFixtures.Repeat(32 * 24, (byte)30, (byte)30, (byte)220);
        var path = folder.File("animated.gif");
        VipsFixtures.SaveBytes(path, [.. red, .. blue], 32, 48, 3, VipsInterpretation.Srgb, pageHeight: 24);

        var decoded = ImageDecoder.Decode(path).Image;

        decoded.Height.Should().Be(24, "only the first frame is decoded");
        TestImages.Distance(TestImages.At(decoded, 16, 12), new RgbColor(220, 30, 30)).Should().BeLessThan(12);
    }

    [Fact]
    public void Greyscale_becomes_three_equal_channels()
    {
        var path = folder.File("grey.png");
        VipsFixtures.SaveBytes(path, [10, 128, 250, 77], 2, 2, 1, VipsInterpretation.BW);

        var decoded = ImageDecoder.Decode(path).Image;

        decoded.Pixels.Should().Equal(10, 10, 10, 128, 128, 128, 250, 250, 250, 77, 77, 77);
    }

    [Fact]
    public void Grey_with_alpha_is_flattened_onto_white()
    {
        var path = folder.File("grey-alpha.png");
        VipsFixtures.SaveBytes(path, [50, 255, 50, 0, 50, 128], 3, 1, 2, VipsInterpretation.BW);

        var decoded = ImageDecoder.Decode(path).Image;

        TestImages.At(decoded, 0, 0).Should().Be(new RgbColor(50, 50, 50));
        TestImages.At(decoded, 1, 0).Should().Be(new RgbColor(255, 255, 255), "a transparent pixel becomes white");
        TestImages.Distance(TestImages.At(decoded, 2, 0), new RgbColor(153, 153, 153)).Should().BeLessThanOrEqualTo(1, "half transparent is halfway to white");
    }

    [Theory]
    [InlineData("png")]
    [InlineData("webp[lossless]")]
    [InlineData("tif")]
    public void Rgba_is_flattened_onto_white(string format)
    {
        var path = folder.File("rgba." + format.Split('[')[0]);
        VipsFixtures.SaveBytes(folder.File("rgba." + format), [200, 10, 10, 255, 0, 0, 0, 0, 10, 200, 10, 0], 3, 1, 4, VipsInterpretation.Srgb);

        var decoded = ImageDecoder.Decode(path).Image;

        decoded.Pixels.Should().Equal(200, 10, 10, 255, 255, 255, 255, 255, 255);
    }

    [Fact]
    public void Sixteen_bit_rgb_png_becomes_eight_bit()
    {
        var path = folder.File("rgb16.png");
        VipsFixtures.SaveUShorts(path, [0, 65535, 257 * 100, 257 * 200, 257 * 50, 257 * 10], 2, 1, 3, VipsInterpretation.Rgb16);

        ImageProbe.Probe(path).Format.Should().Be("png");
        var decoded = ImageDecoder.Decode(path).Image;

        decoded.Pixels.Should().Equal(0, 255, 100, 200, 50, 10);
    }

    [Fact]
    public void Sixteen_bit_grey_png_becomes_eight_bit_grey()
    {
        var path = folder.File("grey16.png");
        VipsFixtures.SaveUShorts(path, [0, 257 * 128, 65535], 3, 1, 1, VipsInterpretation.Grey16);

        var decoded = ImageDecoder.Decode(path).Image;

        decoded.Pixels.Should().Equal(0, 0, 0, 128, 128, 128, 255, 255, 255);
    }

    [Fact]
    public void Sixteen_bit_rgba_png_is_flattened_onto_white()
    {
        var path = folder.File("rgba16.png");
        VipsFixtures.SaveUShorts(path, [257 * 30, 257 * 60, 257 * 90, 65535, 0, 0, 0, 0], 2, 1, 4, VipsInterpretation.Rgb16);

        var decoded = ImageDecoder.Decode(path).Image;

        decoded.Pixels.Should().Equal(30, 60, 90, 255, 255, 255);
    }

    [Fact]
    public void A_cmyk_jpeg_with_its_profile_decodes_close_to_the_original_colours()
    {
        // Muted colours: saturated sRGB green or blue lies outside the CMYK gamut and cannot come back.
        var original = TestImages.Quadrants(64, 48, new(170, 90, 80), new(90, 150, 100), new(80, 100, 160), new(200, 190, 130));
        var path = folder.File("cmyk.jpg");
        VipsFixtures.SaveCmykJpegFromSrgb(path, original);
        ImageProbe.Probe(path).Bands.Should().Be(4);

        var decoded = ImageDecoder.Decode(path).Image;

        foreach (var (x, y) in new[] { (16, 12), (48, 12), (16, 36), (48, 36) })
        {
            var distance = TestImages.Distance(TestImages.At(decoded, x, y), TestImages.At(original, x, y));
            output.WriteLine($"({x},{y}): {TestImages.At(decoded, x, y)} vs {TestImages.At(original, x, y)}: {distance}");
            distance.Should().BeLessThan(25, "the CMYK round trip goes through ICC profiles, so colours are close, not exact");
        }
    }

    [Fact]
    public void A_cmyk_jpeg_without_a_profile_uses_the_fallback_profile()
    {
        // C, M, Y, K: paper white, full black ink, full cyan.
        var path = folder.File("cmyk-bare.jpg[Q=95,keep=none]");
        VipsFixtures.SaveBytes(path, [.. VipsFixtures.Repeat(64, (byte)0, (byte)0, (byte)0, (byte)0), .. VipsFixtures.Repeat(64, (byte)0, (byte)0, (byte)0, (byte)255), .. VipsFixtures.Repeat(64, (byte)255, (byte)0, (byte)0, (byte)0)], 8, 24, 4, VipsInterpretation.Cmyk);

        var decoded = ImageDecoder.Decode(folder.File("cmyk-bare.jpg")).Image;

        var white = TestImages.At(decoded, 4, 4);
        var black = TestImages.At(decoded, 4, 12);
        var cyan = TestImages.At(decoded, 4, 20);
        output.WriteLine($"white {white}, black {black}, cyan {cyan}");
        Math.Min(white.R, Math.Min(white.G, white.B)).Should().BeGreaterThan(235);
        Math.Max(black.R, Math.Max(black.G, black.B)).Should().BeLessThan(70);
        cyan.R.Should().BeLessThan(80);
        cyan.G.Should().BeGreaterThan(120);
        cyan.B.Should().BeGreaterThan(180);
    }

    [Fact]
    public void Dev_photos_decode_the_same_from_a_path_and_from_bytes()
    {
        var photos = DevImages.First(3);
        if (photos.Count == 0)
        {
            output.WriteLine("Skipped: " + DevImages.SkipReason);
            return;
        }

        foreach (var photo in photos)
        {
            var fromPath = ImageDecoder.Decode(photo);
            var fromBytes = ImageDecoder.Decode(File.ReadAllBytes(photo), photo);

            fromPath.Image.Width.Should().Be(1280);
            fromPath.Image.Height.Should().Be(720);
            fromPath.Image.Pixels.Should().Equal(fromBytes.Image.Pixels);
        }
    }
}
