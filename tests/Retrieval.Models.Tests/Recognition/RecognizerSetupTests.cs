using Retrieval.Models.Onnx;
using Retrieval.Models.Text.Recognition;

namespace Retrieval.Models.Tests.Recognition;

public sealed class RecognizerSetupTests
{
    [Fact]
    public void Default_options_are_valid()
    {
        new RecognizerOptions().Validate();
    }

    [Fact]
    public void Every_invalid_option_is_reported_at_once()
    {
        var options = new RecognizerOptions { BatchSize = 0, MinCropWidth = 12, LatticeTopK = 0, LatticeMinProbability = 0f, DirectionThreshold = 1.5f };

        var act = options.Validate;

        act.Should().Throw<ArgumentException>()
            .Which.Message.Should().ContainAll("BatchSize", "MinCropWidth", "LatticeTopK", "LatticeMinProbability", "DirectionThreshold");
    }

    [Fact]
    public void A_dictionary_that_does_not_match_the_model_is_refused_with_both_file_names()
    {
        var dictionary = Path.Combine(Path.GetTempPath(), $"short-dict-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(dictionary, ["a", "b", "c"]);
        try
        {
            var files = RecognizerModelFiles.Default with { Dictionary = dictionary };

            var act = () => new TextRecognizer(files, new RecognizerOptions(), new OnnxOptions());

            act.Should().Throw<ModelLoadException>().Which.Message.Should().Contain("6625").And.Contain(dictionary);
        }
        finally
        {
            File.Delete(dictionary);
        }
    }

    [Fact]
    public void Asking_for_the_classifier_without_its_model_says_what_to_set()
    {
        var files = RecognizerModelFiles.Default with { DirectionClassifier = null };

        var act = () => new TextRecognizer(files, new RecognizerOptions { UseDirectionClassifier = true }, new OnnxOptions());

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("RecognizerModelFiles.DirectionClassifier");
    }
}

public sealed class LineQuadTests
{
    [Fact]
    public void Expanding_moves_every_edge_out_by_the_fraction_of_the_height()
    {
        var quad = new Geometry.Quad(new(10, 20), new(110, 20), new(110, 60), new(10, 60));

        var grown = LineQuad.Expand(quad, 0.25f);

        grown.Should().Be(new Geometry.Quad(new(0, 10), new(120, 10), new(120, 70), new(0, 70)));
    }

    [Fact]
    public void Turning_a_quad_four_times_by_a_quarter_or_twice_by_a_half_gives_it_back()
    {
        var quad = new Geometry.Quad(new(10, 20), new(110, 25), new(105, 60), new(12, 58));

        LineQuad.RotateCounterClockwise(LineQuad.RotateCounterClockwise(quad)).Should().Be(LineQuad.Rotate180(quad));
        LineQuad.Rotate180(LineQuad.Rotate180(quad)).Should().Be(quad);
    }
}
