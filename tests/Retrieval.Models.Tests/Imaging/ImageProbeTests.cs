using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Imaging;

public sealed class ImageProbeTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("jpg", "jpeg", "jpegload_source", 3)]
    [InlineData("png", "png", "pngload_source", 3)]
    [InlineData("webp", "webp", "webpload_source", 3)]
    [InlineData("avif", "avif", "heifload_source", 3)]
    [InlineData("tif", "tiff", "tiffload_source", 3)]
    [InlineData("gif", "gif", "gifload_source", 4)]
    public void The_probe_names_the_format_and_loader_and_gives_the_size(string extension, string format, string loader, int bands)
    {
        var path = folder.File("image." + extension);
        ImageEncoder.Save(TestImages.Quadrants(90, 50), path);

        var info = ImageProbe.Probe(path);

        info.Should().Be(new ImageInfo(90, 50, format, loader, 1, bands));
    }

    [Fact]
    public void A_file_cut_after_its_header_still_probes()
    {
        var jpeg = ImageEncoder.EncodeJpeg(TestImages.Noise(160, 120));

        var info = ImageProbe.Probe(jpeg.AsSpan(0, jpeg.Length / 2), "cut");

        (info.Width, info.Height).Should().Be((160, 120));
    }

    [Fact]
    public void Probe_errors_are_typed_and_name_the_file()
    {
        var missing = folder.File("missing.png");
        var empty = folder.Write("empty.png", []);
        var text = folder.Write("text.png", "text"u8.ToArray());

        Kind(missing).Should().Be(ImageErrorKind.NotFound);
        Kind(empty).Should().Be(ImageErrorKind.Empty);
        Kind(text).Should().Be(ImageErrorKind.Unsupported);
        Kind(folder.Path).Should().Be(ImageErrorKind.Unreadable);
    }

    private static ImageErrorKind Kind(string path)
    {
        var act = () => ImageProbe.Probe(path);
        var error = act.Should().Throw<ImageDecodeException>().Which;
        error.Source.Should().Be(path);
        return error.Kind;
    }
}
