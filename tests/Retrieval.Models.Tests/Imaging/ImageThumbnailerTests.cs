using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Imaging;

public sealed class ImageThumbnailerTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_thumbnail_is_a_jpeg_that_fits_in_the_square()
    {
        var path = folder.File("wide.png");
        ImageEncoder.Save(TestImages.Quadrants(400, 200), path);

        var jpeg = ImageThumbnailer.ThumbnailJpeg(path, 100);

        jpeg.AsSpan(0, 3).ToArray().Should().Equal(0xFF, 0xD8, 0xFF);
        var info = ImageProbe.Probe(jpeg, "thumbnail");
        info.Format.Should().Be("jpeg");
        (info.Width, info.Height).Should().Be((100, 50));
    }

    [Fact]
    public void A_thumbnail_is_upright_and_carries_no_orientation_tag()
    {
        var path = folder.File("rotated.jpg");
        var stored = TestImages.Quadrants(300, 200);
        ImageEncoder.Save(stored, path, orientation: 6);

        var jpeg = ImageThumbnailer.ThumbnailJpeg(path, 150);

        ImageProbe.Probe(jpeg, "thumbnail").Orientation.Should().Be(1);
        var decoded = ImageDecoder.Decode(jpeg, "thumbnail").Image;
        (decoded.Width, decoded.Height).Should().Be((100, 150));
        var upright = TestImages.Orient(stored, 6);
        TestImages.Distance(TestImages.At(decoded, 25, 37), TestImages.At(upright, 50, 75)).Should().BeLessThan(12);
        TestImages.Distance(TestImages.At(decoded, 75, 112), TestImages.At(upright, 150, 225)).Should().BeLessThan(12);
    }

    [Fact]
    public void A_thumbnail_keeps_stored_pixels_when_orientation_is_not_applied()
    {
        var path = folder.File("rotated.jpg");
        ImageEncoder.Save(TestImages.Quadrants(300, 200), path, orientation: 6);

        var jpeg = ImageThumbnailer.ThumbnailJpeg(path, 150, new ImageDecodeOptions { ApplyOrientation = false });

        var info = ImageProbe.Probe(jpeg, "thumbnail");
        (info.Width, info.Height, info.Orientation).Should().Be((150, 100, 1));
    }

    [Fact]
    public void A_small_image_is_not_enlarged()
    {
        var path = folder.File("small.png");
        ImageEncoder.Save(TestImages.Quadrants(50, 40), path);

        var info = ImageProbe.Probe(ImageThumbnailer.ThumbnailJpeg(path, 256), "thumbnail");

        (info.Width, info.Height).Should().Be((50, 40));
    }

    [Fact]
    public void Transparent_pixels_become_white_in_a_thumbnail()
    {
        var path = folder.File("clear.png");
        VipsFixtures.SaveBytes(path, VipsFixtures.Repeat(16 * 16, (byte)0, (byte)0, (byte)0, (byte)0), 16, 16, 4, VipsInterpretation.Srgb);

        var decoded = ImageDecoder.Decode(ImageThumbnailer.ThumbnailJpeg(path, 64), "thumbnail").Image;

        TestImages.Distance(TestImages.At(decoded, 8, 8), new RgbColor(255, 255, 255)).Should().BeLessThan(3);
    }

    [Fact]
    public void Thumbnail_errors_are_typed_like_decode_errors()
    {
        var missing = folder.File("missing.jpg");
        var jpeg = ImageEncoder.EncodeJpeg(TestImages.Noise(160, 120));
        var cut = folder.Write("cut.jpg", jpeg[..(jpeg.Length / 2)]);
        var text = folder.Write("text.jpg", "text"u8.ToArray());

        Kind(missing).Should().Be(ImageErrorKind.NotFound);
        Kind(cut).Should().Be(ImageErrorKind.Truncated);
        Kind(text).Should().Be(ImageErrorKind.Unsupported);
    }

    private static ImageErrorKind Kind(string path)
    {
        var act = () => ImageThumbnailer.ThumbnailJpeg(path, 64);
        var error = act.Should().Throw<ImageDecodeException>().Which;
        error.Source.Should().Be(path);
        return error.Kind;
    }
}
