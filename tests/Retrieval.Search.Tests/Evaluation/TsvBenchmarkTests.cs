using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Datasets;

namespace Retrieval.Search.Tests.Evaluation;

public sealed class TsvBenchmarkTests
{
    [Fact]
    public void Queries_name_their_images_relative_to_the_folder_and_every_image_is_in_the_gallery()
    {
        using var temp = new TempFolder();
        temp.Write("catalogue/shoes/red.jpg", TinyImages.Jpeg);
        temp.Write("catalogue/shoes/blue.png", TinyImages.Png);
        temp.Write("catalogue/bags/tote.webp", TinyImages.WebP);
        temp.Write("catalogue/notes.txt", "not an image");
        var tsv = temp.Write("queries.tsv", "query\trelevant\n# our products\n\"running shoe\"\tshoes/red.jpg\tshoes/blue.png\r\ntote\tbags/tote.webp\t\n\n");

        var dataset = TsvBenchmark.Load(new TsvOptions(tsv, Path.Combine(temp.Path, "catalogue") + "/"), CancellationToken.None);

        dataset.Name.Should().Be("tsv-queries");
        dataset.GalleryImages.Should().HaveCount(3);
        dataset.Queries.Select(q => q.Text).Should().Equal("\"running shoe\"", "tote");
        dataset.Queries.Should().OnlyContain(q => q.Kind == BenchmarkQueryKind.Text);
        dataset.Queries[0].RelevantImages.Should().BeEquivalentTo([Path.Combine(temp.Path, "catalogue", "shoes", "red.jpg"), Path.Combine(temp.Path, "catalogue", "shoes", "blue.png")]);
        dataset.Warnings.Should().ContainSingle().Which.Should().Contain("notes.txt");
    }

    [Theory]
    [InlineData("tote\tbags/missing.jpg\n", ":1: image 'bags/missing.jpg' not found*")]
    [InlineData("tote\tnotes.txt\n", ":1: 'notes.txt' is not an image*")]
    [InlineData("tote\t../outside.jpg\n", ":1: image '../outside.jpg' is outside*")]
    [InlineData("tote\ta.jpg\n\ntote\ta.jpg\n", ":3: query 'tote' already appears on line 1*")]
    [InlineData("tote\n", ":1: query 'tote' lists no relevant image*")]
    [InlineData("\ta.jpg\n", ":1: empty query*")]
    public void A_bad_line_is_reported_with_file_and_line(string content, string expected)
    {
        using var temp = new TempFolder();
        temp.Write("images/a.jpg", TinyImages.Jpeg);
        temp.Write("images/notes.txt", "text");
        temp.Write("outside.jpg", TinyImages.Jpeg);
        var tsv = temp.Write("q.tsv", content);

        var act = () => TsvBenchmark.Load(new TsvOptions(tsv, Path.Combine(temp.Path, "images")), CancellationToken.None);

        act.Should().Throw<DatasetFormatException>().WithMessage(tsv + expected);
    }

    [Fact]
    public void A_missing_queries_file_is_refused()
    {
        using var temp = new TempFolder();

        var act = () => TsvBenchmark.Load(new TsvOptions(Path.Combine(temp.Path, "none.tsv"), temp.Path), CancellationToken.None);

        act.Should().Throw<DatasetFormatException>().WithMessage("--queries *none.tsv: file not found.");
    }
}
