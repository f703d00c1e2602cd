using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Imaging;

public sealed class ImageDecoderOrientationTests : IDisposable
{
    private const int Width = 96;
    private const int Height = 64;

    private readonly TempFolder folder = new();
    private readonly RgbImage stored = TestImages.Quadrants(Width, Height);

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Applying_the_orientation_returns_the_upright_picture(int orientation)
    {
        var path = SaveTagged(orientation);

        var decoded = ImageDecoder.Decode(path);

        var expected = TestImages.Orient(stored, orientation);
        decoded.Image.Width.Should().Be(orientation >= 5 ? Height : Width, "orientations 5..8 swap width and height");
        decoded.Image.Height.Should().Be(orientation >= 5 ? Width : Height);
        TestImages.MeanAbsoluteDifference(decoded.Image, expected).Should().BeLessThan(3);
        decoded.Orientation.Should().Be(orientation);
        decoded.OrientationApplied.Should().Be(orientation != 1);
        decoded.SourceWidth.Should().Be(Width);
        decoded.SourceHeight.Should().Be(Height);
        decoded.Scale.Should().Be(1.0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Not_applying_the_orientation_keeps_the_stored_pixels(int orientation)
    {
        var path = SaveTagged(orientation);

        var decoded = ImageDecoder.Decode(path, new ImageDecodeOptions { ApplyOrientation = false });

        decoded.Image.Width.Should().Be(Width);
        decoded.Image.Height.Should().Be(Height);
        TestImages.MeanAbsoluteDifference(decoded.Image, stored).Should().BeLessThan(3);
        decoded.Orientation.Should().Be(orientation, "the tag is still reported");
        decoded.OrientationApplied.Should().BeFalse();
    }

    [Fact]
    public void Shrinking_an_oriented_image_measures_scale_against_the_upright_size()
    {
        var path = folder.File("tall.jpg");
        ImageEncoder.Save(TestImages.Quadrants(300, 200), path, orientation: 6);

        var decoded = ImageDecoder.Decode(path, new ImageDecodeOptions { MaxSide = 100 });

        decoded.Image.Height.Should().Be(100);
        decoded.Image.Width.Should().BeInRange(66, 67);
        decoded.SourceWidth.Should().Be(300);
        decoded.SourceHeight.Should().Be(200);
        decoded.Scale.Should().BeApproximately(1 / 3.0, 0.01);
    }

    [Fact]
    public void The_probe_reports_the_tag_and_the_upright_size()
    {
        var info = ImageProbe.Probe(SaveTagged(6));

        info.Orientation.Should().Be(6);
        info.Width.Should().Be(Width);
        info.OrientedWidth.Should().Be(Height);
        info.OrientedHeight.Should().Be(Width);
    }

    private string SaveTagged(int orientation)
    {
        var path = folder.File($"o{orientation}.jpg");
        ImageEncoder.Save(stored, path, orientation);
        return path;
    }
}

public sealed class RgbOrientationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void The_fast_orientation_matches_the_reference_exactly_on_odd_sizes_that_cross_tiles(int orientation)
    {
        var stored = TestImages.Noise(77, 45, seed: orientation);

        var upright = RgbOrientation.Apply(stored, orientation);

        var expected = TestImages.Orient(stored, orientation);
        upright.Width.Should().Be(expected.Width);
        upright.Height.Should().Be(expected.Height);
        upright.Pixels.Should().Equal(expected.Pixels);
    }
}
