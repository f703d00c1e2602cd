using Retrieval.Models.Imaging;
using Xunit.Abstractions;

namespace Retrieval.Models.Tests.Imaging;

public sealed class ImageDecoderErrorTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_missing_file_is_not_found()
    {
        var path = folder.File("nope.jpg");

        Fails(path).Kind.Should().Be(ImageErrorKind.NotFound);
    }

    [Fact]
    public void A_file_in_a_missing_folder_is_not_found()
    {
        var path = folder.File(Path.Combine("no-such-folder", "a.jpg"));

        Fails(path).Kind.Should().Be(ImageErrorKind.NotFound);
    }

    [Fact]
    public void A_zero_byte_file_is_empty()
    {
        var path = folder.Write("empty.jpg", []);

        Fails(path).Kind.Should().Be(ImageErrorKind.Empty);
    }

    [Fact]
    public void A_text_file_named_jpg_is_unsupported_and_the_message_says_the_name_lies()
    {
        var path = folder.Write("notes.jpg", "hello, this is not a picture\n"u8.ToArray());

        var error = Fails(path);

        error.Kind.Should().Be(ImageErrorKind.Unsupported);
        error.Detail.Should().Contain("the name says JPEG");
    }

    [Fact]
    public void A_text_file_that_libvips_would_read_as_a_matrix_is_unsupported()
    {
        var path = folder.Write("numbers.jpg", "2 2\n1 2\n3 4\n"u8.ToArray());

        Fails(path).Kind.Should().Be(ImageErrorKind.Unsupported);
    }

    [Fact]
    public void An_svg_drawing_is_unsupported()
    {
        var path = folder.Write("drawing.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"20\"><rect width=\"20\" height=\"20\"/></svg>"u8.ToArray());

        var error = Fails(path);

        error.Kind.Should().Be(ImageErrorKind.Unsupported);
        error.Detail.Should().Contain("SVG");
    }

    [Fact]
    public void A_bmp_is_unsupported_and_named_as_bmp()
    {
        var path = folder.Write("tiny.bmp", TestImages.TinyBmp());

        var error = Fails(path);

        error.Kind.Should().Be(ImageErrorKind.Unsupported);
        error.Detail.Should().Contain("BMP");
    }

    [Theory]
    [InlineData("jpg", ImageErrorKind.Truncated)]
    [InlineData("png", ImageErrorKind.Truncated)]
    [InlineData("webp", ImageErrorKind.Truncated)]
    [InlineData("gif", ImageErrorKind.Truncated)]
    [InlineData("avif", ImageErrorKind.Truncated)]
    [InlineData("tif", ImageErrorKind.Corrupt)]
    public void A_file_cut_at_half_its_bytes_is_truncated(string format, ImageErrorKind expected)
    {
        var whole = folder.File("whole." + format);
        ImageEncoder.Save(TestImages.Noise(160, 120), whole);
        var bytes = File.ReadAllBytes(whole);
        var path = folder.Write("half." + format, bytes[..(bytes.Length / 2)]);

        var error = Fails(path);

        // A TIFF has no end marker and libvips reports a cut one as unrecognisable, so damaged is all that can be said.
        error.Kind.Should().Be(expected);
    }

    [Fact]
    public void Truncated_bytes_in_memory_are_truncated_and_named()
    {
        var jpeg = ImageEncoder.EncodeJpeg(TestImages.Noise(160, 120));

        var act = () => ImageDecoder.Decode(jpeg.AsSpan(0, jpeg.Length / 2), "upload #7");

        var error = act.Should().Throw<ImageDecodeException>().Which;
        error.Kind.Should().Be(ImageErrorKind.Truncated);
        error.Message.Should().StartWith("upload #7: ");
    }

    [Fact]
    public void Random_bytes_behind_a_jpeg_header_are_reported_as_damaged()
    {
        var bytes = new byte[5000];
        new Random(3).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        bytes[3] = 0xE0;
        var path = folder.Write("random.jpg", bytes);

        Fails(path).Kind.Should().BeOneOf(ImageErrorKind.Corrupt, ImageErrorKind.Truncated);
    }

    [Fact]
    public void An_image_over_the_pixel_limit_is_too_large()
    {
        var path = folder.File("big.png");
        ImageEncoder.Save(TestImages.Quadrants(200, 100), path);

        var error = Fails(path, new ImageDecodeOptions { MaxPixels = 19_999 });

        error.Kind.Should().Be(ImageErrorKind.TooLarge);
        error.Detail.Should().Contain("200x100");
    }

    [Fact]
    public void A_folder_is_unreadable_and_the_message_says_it_is_a_folder()
    {
        var path = Directory.CreateDirectory(folder.File("photos.jpg")).FullName;

        var error = Fails(path);

        error.Kind.Should().Be(ImageErrorKind.Unreadable);
        error.Detail.Should().Contain("folder");
    }

    [Fact]
    public void A_file_without_read_permission_is_unreadable()
    {
        var path = folder.File("secret.png");
        ImageEncoder.Save(TestImages.Quadrants(8, 8), path);
        if (OperatingSystem.IsWindows())
        {
            output.WriteLine("Skipped: Unix permissions only");
            return;
        }

        File.SetUnixFileMode(path, UnixFileMode.None);

        ImageDecodeException? error = null;
        if (!FilesystemIdentity.TryRunUnprivileged(() => error = Fails(path), out var reason))
        {
            output.WriteLine("Skipped: " + reason);
            return;
        }

        error!.Kind.Should().Be(ImageErrorKind.Unreadable);
        error.Detail.Should().Contain("permission");
    }

    [Fact]
    public void A_file_locked_by_another_writer_is_unreadable()
    {
        var path = folder.File("locked.png");
        ImageEncoder.Save(TestImages.Quadrants(8, 8), path);

        // .NET on Unix backs FileShare.None with an advisory lock that its own readers respect.
        using var holder = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        Fails(path).Kind.Should().Be(ImageErrorKind.Unreadable);
    }

    [Fact]
    public void A_symbolic_link_loop_is_unreadable_and_says_so()
    {
        var a = folder.File("a.jpg");
        var b = folder.File("b.jpg");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);

        var error = Fails(a);

        error.Kind.Should().Be(ImageErrorKind.Unreadable);
        error.Detail.Should().Contain("symbolic link");
    }

    [Fact]
    public void A_dangling_symbolic_link_is_not_found_and_names_its_target()
    {
        var link = folder.File("link.jpg");
        File.CreateSymbolicLink(link, folder.File("gone.jpg"));

        var error = Fails(link);

        error.Kind.Should().Be(ImageErrorKind.NotFound);
        error.Detail.Should().Contain("gone.jpg");
    }

    [Fact]
    public void Empty_bytes_are_empty()
    {
        var act = () => ImageDecoder.Decode(ReadOnlySpan<byte>.Empty, "nothing");

        act.Should().Throw<ImageDecodeException>().Which.Kind.Should().Be(ImageErrorKind.Empty);
    }

    [Fact]
    public void Invalid_options_are_rejected_before_any_file_is_read()
    {
        var act = () => ImageDecoder.Decode(folder.File("nope.jpg"), new ImageDecodeOptions { MaxSide = -1 });

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Error_kind_values_are_frozen_because_failed_index_records_store_them()
    {
        Enum.GetValues<ImageErrorKind>().Select(k => (k.ToString(), (int)k)).Should().Equal(
            ("NotFound", 1), ("Empty", 2), ("Unsupported", 3), ("Corrupt", 4), ("Truncated", 5), ("TooLarge", 6), ("Unreadable", 7));
    }

    /// <summary>Decodes, expects an <see cref="ImageDecodeException"/> that names the file, and prints it.</summary>
    private ImageDecodeException Fails(string path, ImageDecodeOptions? options = null)
    {
        var act = () => ImageDecoder.Decode(path, options);
        var error = act.Should().Throw<ImageDecodeException>().Which;
        output.WriteLine(error.Message);
        error.Source.Should().Be(path);
        error.Message.Should().StartWith(path + ": ");
        return error;
    }
}
