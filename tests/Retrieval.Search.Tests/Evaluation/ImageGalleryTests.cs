using Retrieval.Search.Evaluation.Datasets;

namespace Retrieval.Search.Tests.Evaluation;

public sealed class ImageGalleryTests
{
    public static TheoryData<string, ImageContainerFormat> Images => new()
    {
        { nameof(TinyImages.Jpeg), ImageContainerFormat.Jpeg },
        { nameof(TinyImages.Png), ImageContainerFormat.Png },
        { nameof(TinyImages.Gif), ImageContainerFormat.Gif },
        { nameof(TinyImages.Bmp), ImageContainerFormat.Bmp },
        { nameof(TinyImages.Tiff), ImageContainerFormat.Tiff },
        { nameof(TinyImages.WebP), ImageContainerFormat.WebP },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Each_format_is_told_by_its_first_bytes(string name, ImageContainerFormat expected)
    {
        var bytes = (byte[])typeof(TinyImages).GetField(name)!.GetValue(null)!;

        ImageFormatSniffer.Detect(bytes).Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("BM is the start of this text file")]
    [InlineData("RIFF....WAVEfmt ")]
    [InlineData("%PDF-1.4")]
    public void Other_content_is_unknown(string text)
    {
        ImageFormatSniffer.Detect(System.Text.Encoding.ASCII.GetBytes(text)).Should().Be(ImageContainerFormat.Unknown);
    }

    [Fact]
    public void A_recursive_scan_finds_images_in_subfolders_and_skips_hidden_files()
    {
        using var temp = new TempFolder();
        temp.Write("a.png", TinyImages.Png);
        temp.Write("shelf/b.webp", TinyImages.WebP);
        temp.Write(".hidden.jpg", TinyImages.Jpeg);

        var flat = ImageGallery.Scan(temp.Path, recursive: false, CancellationToken.None);
        var deep = ImageGallery.Scan(temp.Path, recursive: true, CancellationToken.None);

        flat.Images.Select(i => Path.GetFileName(i.Path)).Should().Equal("a.png");
        deep.Images.Select(i => Path.GetRelativePath(temp.Path, i.Path)).Should().Equal("a.png", Path.Combine("shelf", "b.webp"));
        deep.Warnings.Should().BeEmpty();
    }
}
