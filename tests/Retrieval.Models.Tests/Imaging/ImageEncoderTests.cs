using Retrieval.Models.Imaging;
using Xunit.Abstractions;

namespace Retrieval.Models.Tests.Imaging;

public sealed class ImageEncoderTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("png")]
    [InlineData("jpg")]
    [InlineData("webp")]
    [InlineData("tif")]
    [InlineData("gif")]
    [InlineData("avif")]
    public void Saved_files_decode_back_and_no_temporary_file_is_left(string extension)
    {
        var path = folder.File("out." + extension);

        ImageEncoder.Save(TestImages.Quadrants(40, 30), path);

        ImageDecoder.Decode(path).Image.Width.Should().Be(40);
        Directory.GetFiles(folder.Path).Should().Equal(path);
    }

    [Fact]
    public void Saving_over_an_existing_file_replaces_it()
    {
        var path = folder.File("out.png");
        ImageEncoder.Save(TestImages.Quadrants(40, 30), path);

        ImageEncoder.Save(TestImages.Quadrants(20, 10), path);

        ImageProbe.Probe(path).Width.Should().Be(20);
    }

    [Fact]
    public void Encoded_jpeg_and_png_bytes_decode_back()
    {
        var image = TestImages.Quadrants(40, 30);

        ImageDecoder.Decode(ImageEncoder.EncodePng(image), "png").Image.Pixels.Should().Equal(image.Pixels);
        TestImages.MeanAbsoluteDifference(ImageDecoder.Decode(ImageEncoder.EncodeJpeg(image, 95), "jpeg").Image, image).Should().BeLessThan(3);
    }

    [Fact]
    public void An_unknown_extension_is_an_unsupported_format()
    {
        var path = folder.File("out.bmp");

        var error = Fails(path);

        error.Kind.Should().Be(ImageEncodeErrorKind.UnsupportedFormat);
        error.Detail.Should().Contain(".bmp");
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void A_name_without_an_extension_is_an_unsupported_format()
    {
        Fails(folder.File("out")).Kind.Should().Be(ImageEncodeErrorKind.UnsupportedFormat);
    }

    [Fact]
    public void Heic_cannot_be_encoded_by_the_bundled_libvips()
    {
        // The bundled libheif has an AV1 encoder but no HEVC one: AVIF saves, HEIC does not.
        var error = Fails(folder.File("out.heic"));

        error.Kind.Should().Be(ImageEncodeErrorKind.UnsupportedFormat);
        error.Detail.Should().Contain(".avif");
    }

    [Fact]
    public void A_missing_folder_is_not_writable_and_says_to_create_it()
    {
        var error = Fails(folder.File(Path.Combine("missing", "out.png")));

        error.Kind.Should().Be(ImageEncodeErrorKind.NotWritable);
        error.Detail.Should().Contain("create it");
    }

    [Fact]
    public void A_path_that_is_a_folder_is_not_writable()
    {
        var path = Directory.CreateDirectory(folder.File("taken.png")).FullName;

        Fails(path).Kind.Should().Be(ImageEncodeErrorKind.NotWritable);
    }

    [Fact]
    public void A_read_only_folder_is_not_writable_and_says_permission_denied()
    {
        var readOnly = Directory.CreateDirectory(folder.File("read-only")).FullName;
        if (OperatingSystem.IsWindows())
        {
            output.WriteLine("Skipped: Unix permissions only");
            return;
        }

        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var path = Path.Combine(readOnly, "out.png");

        ImageEncodeException? error = null;
        if (!FilesystemIdentity.TryRunUnprivileged(() => error = Fails(path), out var reason))
        {
            output.WriteLine("Skipped: " + reason);
            return;
        }

        error!.Kind.Should().Be(ImageEncodeErrorKind.NotWritable);
        error.Detail.Should().Contain("permission denied");
        Directory.GetFiles(readOnly).Should().BeEmpty();
    }

    [Fact]
    public void Bad_arguments_are_argument_errors()
    {
        var image = TestImages.Quadrants(4, 4);

        var orientation = () => ImageEncoder.Save(image, folder.File("o.jpg"), 9);
        var quality = () => ImageEncoder.EncodeJpeg(image, 0);

        orientation.Should().Throw<ArgumentOutOfRangeException>();
        quality.Should().Throw<ArgumentOutOfRangeException>();
    }

    private ImageEncodeException Fails(string path)
    {
        var act = () => ImageEncoder.Save(TestImages.Quadrants(8, 8), path);
        var error = act.Should().Throw<ImageEncodeException>().Which;
        output.WriteLine(error.Message);
        error.Target.Should().Be(path);
        error.Message.Should().StartWith(path + ": ");
        return error;
    }
}
