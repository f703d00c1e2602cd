using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Datasets;
using Xunit.Abstractions;

namespace Retrieval.Search.Tests.Evaluation;

public sealed class SvtBenchmarkTests(ITestOutputHelper output)
{
    private const string Sample = """
        <?xml version="1.0" encoding="utf-8"?>
        <tagset>
          <image>
            <imageName>img/14_03.jpg</imageName>
            <taggedRectangles>
              <taggedRectangle height="40" width="100" x="10" y="20"><tag>PIZZA</tag></taggedRectangle>
              <taggedRectangle height="30" width="80" x="10" y="70"><tag>Hut</tag></taggedRectangle>
            </taggedRectangles>
          </image>
          <image>
            <imageName>img/15_01.jpg</imageName>
            <taggedRectangles>
              <taggedRectangle height="40" width="100" x="0" y="0"><tag>pizza</tag></taggedRectangle>
            </taggedRectangles>
          </image>
        </tagset>
        """;

    [Fact]
    public void Tags_become_lower_cased_queries_relevant_to_the_images_that_carry_them()
    {
        using var temp = new TempFolder();
        var xml = temp.Write("test.xml", Sample);
        temp.Write("img/14_03.jpg", TinyImages.Jpeg);
        temp.Write("img/15_01.jpg", TinyImages.Jpeg);

        var dataset = SvtBenchmark.Load(new SvtOptions(xml), CancellationToken.None);

        dataset.GalleryImages.Should().Equal(Path.Combine(temp.Path, "img", "14_03.jpg"), Path.Combine(temp.Path, "img", "15_01.jpg"));
        dataset.Queries.Select(q => (q.Text, q.RelevantImages.Count)).Should().Equal(("pizza", 2), ("hut", 1));
        var words = SvtGroundTruth.ReadFile(xml)[0].Words;
        words[0].Polygon.Should().Equal(new(10, 20), new(110, 20), new(110, 60), new(10, 60));
    }

    [Fact]
    public void The_images_folder_may_be_the_img_folder_itself()
    {
        using var temp = new TempFolder();
        var xml = temp.Write("test.xml", Sample);
        temp.Write("pictures/14_03.jpg", TinyImages.Jpeg);
        temp.Write("pictures/15_01.jpg", TinyImages.Jpeg);

        var dataset = SvtBenchmark.Load(new SvtOptions(xml, Path.Combine(temp.Path, "pictures")), CancellationToken.None);

        dataset.GalleryImages.Should().HaveCount(2);
    }

    [Fact]
    public void A_rectangle_without_a_number_is_reported_with_its_line()
    {
        using var temp = new TempFolder();
        var xml = temp.Write("test.xml", Sample.Replace("x=\"10\" y=\"70\"", "x=\"ten\" y=\"70\"", StringComparison.Ordinal));

        var act = () => SvtGroundTruth.ReadFile(xml);

        act.Should().Throw<DatasetFormatException>().WithMessage($"{xml}:7: attribute x=\"ten\"*");
    }

    [Fact]
    public void Broken_xml_is_reported_with_its_line()
    {
        using var temp = new TempFolder();
        var xml = temp.Write("test.xml", "<tagset>\n<image>\n</tagset>\n");

        var act = () => SvtGroundTruth.ReadFile(xml);

        act.Should().Throw<DatasetFormatException>().WithMessage($"{xml}:3: not well-formed XML*");
    }

    [Fact]
    public void The_real_test_split_has_249_images_647_words_and_427_queries()
    {
        if (EvaluationTestData.Formats is not { } formats)
        {
            output.WriteLine("Skipped: benchmark format samples (shared/data/formats) not found.");
            return;
        }

        var xml = Path.Combine(formats, "svt", "test.xml");
        var annotations = SvtGroundTruth.ReadFile(xml);
        var queries = WordQueryDerivation.Derive(annotations, WordQueryRule.SvtLowerCase);
        output.WriteLine($"{annotations.Count} images, {annotations.Sum(a => a.Words.Count)} words, {queries.Count} queries, {queries.Sum(q => q.ImageNames.Count)} relevant pairs");

        annotations.Should().HaveCount(249);
        annotations.Sum(a => a.Words.Count).Should().Be(647);
        queries.Should().HaveCount(427);
        queries.Sum(q => q.ImageNames.Count).Should().Be(569);

        // The full load, with empty stand-ins for the images (the real photos are not available here).
        using var temp = new TempFolder();
        foreach (var image in annotations)
        {
            temp.Write(image.ImageName, []);
        }

        var dataset = SvtBenchmark.Load(new SvtOptions(xml, temp.Path), CancellationToken.None);
        dataset.Name.Should().Be("svt-test");
        dataset.GalleryImages.Should().HaveCount(249);
        dataset.Queries.Should().HaveCount(427);
    }
}
