using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Datasets;
using Xunit.Abstractions;

namespace Retrieval.Search.Tests.Evaluation;

public sealed class TotalTextBenchmarkTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("206,633,251,811,386,931,542,946,PETROSAINS", 4, "PETROSAINS")]
    [InlineData("278,608,293,604,304,596,314,611,298,628,282,629,1997", 6, "1997")]
    [InlineData("617,512,620,495,617,480,585,480,581,495,590,515,00", 6, "00")]
    [InlineData("547,424,669,410,672,437,552,445,Breakfast,Lunch", 4, "Breakfast,Lunch")]
    [InlineData("1,2,3,4,5,6,7,8,1,000", 4, "1,000")]
    [InlineData("1,2,3,4,5,6,7,8,12,abc", 4, "12,abc")]
    [InlineData("1,2,3,4,5,6,7,8,###", 4, "###")]
    [InlineData("1.5, 2.5 ,3,4,5,6,Word", 3, "Word")]
    [InlineData("1,2,3,4,5,6,7,8,", 4, "")]
    public void Polygon_lines_split_into_an_even_number_of_coordinates_and_a_transcription(string line, int points, string text)
    {
        var word = TotalTextGroundTruth.ParsePolygonLine("f.txt", 1, line);

        word.Polygon.Should().HaveCount(points);
        word.Text.Should().Be(text);
    }

    [Theory]
    [InlineData("1,2,3,4,word")]
    [InlineData("1,2,3,4,5")]
    [InlineData("word")]
    public void A_polygon_line_with_fewer_than_three_points_is_reported_with_file_and_line(string line)
    {
        var act = () => TotalTextGroundTruth.ParsePolygonLine("gt/img1.jpg.txt", 7, line);

        act.Should().Throw<DatasetFormatException>().WithMessage("gt/img1.jpg.txt:7: expected*");
    }

    [Fact]
    public void The_official_format_reads_wrapped_records_python_literals_and_dont_care_marks()
    {
        using var temp = new TempFolder();
        var path = temp.Write("poly_gt_img11.txt", """
            x: [[153 161 179 195 184 177]], y: [[347 323 305 315 331 357]], ornt: [u'c'], transcriptions: [u'the']
            x: [[115 503 494 115 120 130 140 150 160 170 180 190 200 210 220 230 240 250 260
              270]], y: [[322 346 426 404 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
              16]], ornt: [u'h'], transcriptions: [u"Mother's, Day"]
            x: [[1 2 3]], y: [[4 5 6]], ornt: [u'#'], transcriptions: [u'#']
            x: [[1 2 3]], y: [[4 5 6]], ornt: [u'h'], transcriptions: [u'caf\xe9']
            """);

        var words = TotalTextGroundTruth.ReadFile(path);

        words.Select(w => w.Text).Should().Equal("the", "Mother's, Day", AnnotatedWord.IllegibleMark, "café");
        words[0].Polygon.Should().HaveCount(6);
        words[0].Polygon[0].Should().Be(new Models.Geometry.PointF(153, 347));
        words[1].Polygon.Should().HaveCount(20);
        words[2].IsIllegible.Should().BeTrue();
    }

    [Fact]
    public void An_official_record_with_unequal_coordinate_lists_is_reported_with_its_first_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("poly_gt_img2.txt", "x: [[1 2 3]], y: [[4 5 6]], ornt: [u'h'], transcriptions: [u'ok']\nx: [[1 2 3 4]], y: [[4 5 6]], ornt: [u'h'], transcriptions: [u'bad']\n");

        var act = () => TotalTextGroundTruth.ReadFile(path);

        act.Should().Throw<DatasetFormatException>().WithMessage($"{path}:2: a polygon needs*");
    }

    [Fact]
    public void Official_file_names_are_matched_to_images_by_stem()
    {
        using var temp = new TempFolder();
        temp.Write("gt/poly_gt_img5.txt", "x: [[1 2 3]], y: [[4 5 6]], ornt: [u'h'], transcriptions: [u'Coffee']\n");
        temp.Write("images/img5.JPG", TinyImages.Jpeg);
        temp.Write("images/img6.jpg", TinyImages.Jpeg);

        var dataset = TotalTextBenchmark.Load(new TotalTextOptions(Path.Combine(temp.Path, "gt"), Path.Combine(temp.Path, "images")), CancellationToken.None);

        dataset.GalleryImages.Should().Equal(Path.Combine(temp.Path, "images", "img5.JPG"));
        dataset.Queries.Should().ContainSingle().Which.Text.Should().Be("coffee");
        dataset.Warnings.Should().ContainSingle().Which.Should().Contain("1 file(s)").And.Contain("img6.jpg");
    }

    [Fact]
    public void The_real_test_split_has_300_images_2546_polygons_and_1500_words()
    {
        if (EvaluationTestData.Formats is not { } formats)
        {
            output.WriteLine("Skipped: benchmark format samples (shared/data/formats) not found.");
            return;
        }

        var gt = Path.Combine(formats, "totaltext", "test_gts");
        var annotations = TotalTextGroundTruth.ReadDirectory(gt, CancellationToken.None);
        var words = annotations.SelectMany(a => a.Words).ToList();
        var options = new TotalTextOptions(gt, "unused");
        var top = TotalTextBenchmark.DeriveQueries(annotations, options);
        var all = TotalTextBenchmark.DeriveQueries(annotations, options with { QuerySet = WordQuerySet.AllWords });
        output.WriteLine($"{annotations.Count} files, {words.Count} polygons, top {top.Count} (relevant {top.Sum(q => q.ImageNames.Count)}), all {all.Count} (relevant {all.Sum(q => q.ImageNames.Count)})");

        annotations.Should().HaveCount(300);
        words.Should().HaveCount(2546);
        words.Count(w => w.IsIllegible).Should().Be(331);
        words.Where(w => !w.IsIllegible).Select(w => w.Text.ToLowerInvariant()).Distinct().Should().HaveCount(1500);
        words.Should().Contain(w => w.Text == "Breakfast,Lunch").And.Contain(w => w.Text == "1997");
        top.Should().HaveCount(60);
        top.Sum(q => q.ImageNames.Count).Should().Be(325);
        all.Should().HaveCount(1379);
        all.Sum(q => q.ImageNames.Count).Should().Be(1818);

        // The full load, with empty stand-ins named as in test_list.txt (the real photos are not available here).
        using var temp = new TempFolder();
        foreach (var name in File.ReadAllLines(Path.Combine(formats, "totaltext", "test_list.txt")).Where(l => l.Length > 0))
        {
            temp.Write(name.Trim(), []);
        }

        var dataset = TotalTextBenchmark.Load(options with { ImagesDirectory = temp.Path }, CancellationToken.None);
        dataset.GalleryImages.Should().HaveCount(300);
        dataset.Queries.Should().HaveCount(60);
        dataset.Warnings.Should().BeEmpty();
    }
}
