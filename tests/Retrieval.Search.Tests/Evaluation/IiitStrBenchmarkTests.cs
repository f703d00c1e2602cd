using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Datasets;

namespace Retrieval.Search.Tests.Evaluation;

public sealed class IiitStrBenchmarkTests
{
    [Theory]
    [InlineData("iiit_str_data.mat")]
    [InlineData("iiit_str_data_compressed.mat")]
    public void The_gallery_is_every_image_by_content_and_mislabelled_files_are_reported(string fixture)
    {
        using var temp = new TempFolder();
        File.Copy(EvaluationTestData.Fixture(fixture), Path.Combine(temp.Path, "data.mat"));
        temp.Write("imgDatabase/img_000001.jpg", TinyImages.Jpeg);
        temp.Write("imgDatabase/img_000002.jpg", TinyImages.Gif);
        temp.Write("imgDatabase/img_000003.jpg", TinyImages.Png);
        temp.Write("imgDatabase/img_000004.jpg", TinyImages.Jpeg);
        temp.Write("imgDatabase/img_000005.jpg", TinyImages.Jpeg);
        temp.Write("imgDatabase/img_000006.jpg", TinyImages.Jpeg);
        temp.Write("imgDatabase/Thumbs.db", "not an image");

        var dataset = IiitStrBenchmark.Load(new IiitStrOptions(temp.Path), CancellationToken.None);

        string Image(int n) => Path.Combine(temp.Path, "imgDatabase", $"img_{n:000000}.jpg");
        dataset.GalleryImages.Should().Equal(Enumerable.Range(1, 6).Select(Image));
        dataset.Queries.Select(q => q.Text).Should().Equal("hotel", "café", "coffee");
        dataset.Queries[0].RelevantImages.Should().BeEquivalentTo([Image(1), Image(2)]);
        dataset.Queries[2].RelevantImages.Should().BeEquivalentTo([Image(2), Image(4), Image(5)]);
        dataset.Warnings.Should().HaveCount(2);
        dataset.Warnings[0].Should().StartWith("2 image(s)").And.Contain("img_000002.jpg is Gif").And.Contain("img_000003.jpg is Png");
        dataset.Warnings[1].Should().StartWith("1 file(s)").And.Contain("Thumbs.db");
    }

    [Fact]
    public void A_relevant_image_missing_from_the_database_is_an_error_naming_it()
    {
        using var temp = new TempFolder();
        File.Copy(EvaluationTestData.Fixture("iiit_str_data.mat"), Path.Combine(temp.Path, "data.mat"));
        temp.Write("imgDatabase/img_000001.jpg", TinyImages.Jpeg);

        var act = () => IiitStrBenchmark.Load(new IiitStrOptions(temp.Path), CancellationToken.None);

        act.Should().Throw<DatasetFormatException>().WithMessage("*img_000002.jpg (query 'hotel')*");
    }

    [Fact]
    public void A_folder_without_data_mat_is_refused()
    {
        using var temp = new TempFolder();
        temp.Write("imgDatabase/img_000001.jpg", TinyImages.Jpeg);

        var act = () => IiitStrBenchmark.Load(new IiitStrOptions(temp.Path), CancellationToken.None);

        act.Should().Throw<DatasetFormatException>().WithMessage("*no data.mat*");
    }

    [Fact]
    public void A_struct_without_a_query_and_an_image_list_is_refused_with_its_fields()
    {
        using var temp = new TempFolder();
        temp.Write("data.mat", MatTestWriter.Write([("data", new MatTestStruct(["a", "b"], [[new MatTestDouble(1, 1, [1]), new MatTestChar("x")]]))]));

        var act = () => IiitStrBenchmark.ReadQueries(Path.Combine(temp.Path, "data.mat"));

        act.Should().Throw<DatasetFormatException>().WithMessage("*data(1) does not hold a query string*fields: a, b*");
    }
}
