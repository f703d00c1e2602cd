using System.Diagnostics;
using Retrieval.Models.Imaging;
using Xunit.Abstractions;

namespace Retrieval.Models.Tests.Imaging;

/// <summary>A 30000 x 30000 one-colour PNG (900 megapixels, about 100 KB), written once for the class.</summary>
public sealed class PngBombFixture : IDisposable
{
    public PngBombFixture()
    {
        Bytes = TestImages.OneColourPngBomb(30_000);
        Path = Folder.Write("bomb.png", Bytes);
    }

    internal TempFolder Folder { get; } = new();

    public byte[] Bytes { get; }

    public string Path { get; }

    public void Dispose() => Folder.Dispose();
}

public sealed class ImageDecoderLimitTests(PngBombFixture bomb, ITestOutputHelper output) : IClassFixture<PngBombFixture>, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header_before_any_pixel_is_decoded()
    {
        output.WriteLine($"bomb: {bomb.Bytes.Length:N0} bytes on disk");
        bomb.Bytes.Length.Should().BeLessThan(1_000_000);
        var clock = Stopwatch.StartNew();

        var act = () => ImageDecoder.Decode(bomb.Path);

        var error = act.Should().Throw<ImageDecodeException>().Which;
        clock.Stop();
        output.WriteLine($"{error.Message} ({clock.ElapsedMilliseconds} ms)");
        error.Kind.Should().Be(ImageErrorKind.TooLarge);
        error.Detail.Should().Contain("30000x30000");

        // Decoding 900 megapixels (2.7 GB as RGB) would take many seconds; reading a header takes milliseconds.
        clock.ElapsedMilliseconds.Should().BeLessThan(1500);
    }

    [Fact]
    public void A_decompression_bomb_in_memory_is_refused_too()
    {
        var act = () => ImageDecoder.Decode(bomb.Bytes, "bomb upload");

        act.Should().Throw<ImageDecodeException>().Which.Kind.Should().Be(ImageErrorKind.TooLarge);
    }

    [Fact]
    public void The_thumbnailer_refuses_a_decompression_bomb()
    {
        var act = () => ImageThumbnailer.ThumbnailJpeg(bomb.Path, 128);

        act.Should().Throw<ImageDecodeException>().Which.Kind.Should().Be(ImageErrorKind.TooLarge);
    }

    [Fact]
    public void Probing_a_decompression_bomb_reads_only_its_header()
    {
        var clock = Stopwatch.StartNew();

        var info = ImageProbe.Probe(bomb.Path);

        clock.ElapsedMilliseconds.Should().BeLessThan(1500);
        info.Width.Should().Be(30_000);
        info.Height.Should().Be(30_000);
        info.Format.Should().Be("png");
    }

    [Fact]
    public void A_large_jpeg_is_shrunk_to_the_max_side_and_keeps_its_content()
    {
        var path = folder.File("large.jpg");
        ImageEncoder.Save(TestImages.Quadrants(3000, 2000), path);

        var decoded = ImageDecoder.Decode(path, new ImageDecodeOptions { MaxSide = 1000 });

        decoded.Image.Width.Should().Be(1000);
        decoded.Image.Height.Should().BeInRange(666, 667);
        decoded.Scale.Should().BeApproximately(1 / 3.0, 0.001);
        decoded.SourceWidth.Should().Be(3000);
        TestImages.Distance(TestImages.At(decoded.Image, 250, 166), TestImages.TopLeft).Should().BeLessThan(8);
        TestImages.Distance(TestImages.At(decoded.Image, 750, 500), TestImages.BottomRight).Should().BeLessThan(8);
    }

    [Fact]
    public void An_image_within_the_max_side_is_never_enlarged()
    {
        var path = folder.File("small.png");
        ImageEncoder.Save(TestImages.Quadrants(40, 30), path);

        var decoded = ImageDecoder.Decode(path, new ImageDecodeOptions { MaxSide = 1000 });

        decoded.Image.Width.Should().Be(40);
        decoded.Scale.Should().Be(1.0);
    }

    [Fact]
    public void A_max_side_of_zero_keeps_the_full_size()
    {
        var path = folder.File("full.png");
        ImageEncoder.Save(TestImages.Quadrants(300, 20), path);

        var decoded = ImageDecoder.Decode(path, new ImageDecodeOptions { MaxSide = 0 });

        decoded.Image.Width.Should().Be(300);
        decoded.Image.Height.Should().Be(20);
    }
}
