using Retrieval.Search.Evaluation.Detection;
using Retrieval.TestSupport;

namespace Retrieval.Search.Tests.Evaluation.Detection;

public sealed class IcdarGroundTruthTests
{
    [Fact]
    public void Lines_parse_with_a_bom_crlf_endings_commas_in_the_text_and_dont_care_words()
    {
        var text = "\uFEFF377,117,463,117,465,130,378,130,Genaxis Theatre\r\n374,155,409,155,409,170,374,170,###\r\n1,2,3,4,5,6,7,8,a,b,,c\n\n";
        var words = IcdarGroundTruth.Parse(text, "gt_img_1.txt");

        words.Should().HaveCount(3);
        words[0].Transcription.Should().Be("Genaxis Theatre");
        words[0].IsDontCare.Should().BeFalse();
        words[0].Quad.TopLeft.X.Should().Be(377);
        words[0].Quad.BottomLeft.Y.Should().Be(130);
        words[1].IsDontCare.Should().BeTrue();
        words[2].Transcription.Should().Be("a,b,,c");
        words[2].Quad.BottomLeft.X.Should().Be(7);
    }

    [Fact]
    public void A_malformed_line_is_reported_with_its_file_and_line_number()
    {
        var act = () => IcdarGroundTruth.Parse("1,2,3,4,5,6,7,8,ok\n1,2,x,4,5,6,7,8,bad\n", "gt_img_9.txt");
        act.Should().Throw<GroundTruthFormatException>().WithMessage("gt_img_9.txt:2:*'x'*");

        var tooShort = () => IcdarGroundTruth.Parse("1,2,3,4\n", "gt_img_9.txt");
        tooShort.Should().Throw<GroundTruthFormatException>().WithMessage("gt_img_9.txt:1:*");
    }

    [IcdarDevDataFact]
    public void The_dev_ground_truth_reads_without_errors()
    {
        var files = Directory.GetFiles(Path.Combine(IcdarDevData.Directory!, "gt"), "gt_img_*.txt");
        var words = files.SelectMany(IcdarGroundTruth.ReadFile).ToList();

        files.Should().HaveCount(1000);
        words.Count.Should().BeGreaterThan(4000);
        words.Should().Contain(w => w.IsDontCare);
        words.Should().NotContain(w => w.Transcription.Contains('\r') || w.Transcription.Contains('\uFEFF'));
    }
}
