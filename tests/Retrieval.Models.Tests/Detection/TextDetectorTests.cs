using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;
using Retrieval.Models.Text.Detection;
using Retrieval.Search.Evaluation.Detection;
using Retrieval.TestSupport;

namespace Retrieval.Models.Tests.Detection;

/// <summary>The real PP-OCRv4 detection model on rendered scenes and dev photos; one detector shared by the class.</summary>
public sealed class TextDetectorTests : IClassFixture<TextDetectorTests.DetectorFixture>
{
    private readonly TextDetector detector;

    public TextDetectorTests(DetectorFixture fixture)
    {
        detector = fixture.Detector;
    }

    [Fact]
    public void Every_rendered_word_is_found_with_iou_above_one_half()
    {
        var scene = TextRenderer.RenderWithBoxes(new SceneSpec(
            640,
            400,
            [
                new TextItem("PARKING", 40, 40, "DejaVu Sans Bold 40"),
                new TextItem("Exit", 420, 60, "DejaVu Sans 36"),
                new TextItem("Platform 9", 60, 250, "DejaVu Serif 30"),
            ],
            SceneBackground.Gradient));

        var result = detector.Detect(scene.Image, CancellationToken.None);

        foreach (var word in scene.TextBoxes)
        {
            result.Boxes.Max(b => PolygonClipping.IntersectionOverUnion(word, b.Quad)).Should().BeGreaterThan(0.5, $"the word at {word.Center} should be found");
        }

        result.Boxes.Should().HaveCount(3);
        result.Boxes.Should().OnlyContain(b => b.Score >= detector.Options.BoxThreshold);
        result.Boxes[0].Quad.Center.X.Should().BeLessThan(result.Boxes[1].Quad.Center.X, "the two words of the first line read left to right");
    }

    [Theory]
    [InlineData(15)]
    [InlineData(-25)]
    [InlineData(30)]
    public void Rotated_text_gets_a_quad_rotated_the_same_way(double degrees)
    {
        var scene = TextRenderer.RenderWithBoxes(new SceneSpec(640, 480, [new TextItem("ROTATED TEXT", 120, 150, "DejaVu Sans Bold 36", degrees)]));

        var box = detector.Detect(scene.Image, CancellationToken.None).Boxes.Should().ContainSingle().Subject;

        var top = box.Quad.TopRight - box.Quad.TopLeft;
        (Math.Atan2(top.Y, top.X) * 180 / Math.PI).Should().BeApproximately(degrees, 4);
        PolygonClipping.IntersectionOverUnion(scene.TextBoxes[0], box.Quad).Should().BeGreaterThan(0.5);
    }

    [Fact]
    public void A_plain_image_has_no_text()
    {
        var result = detector.Detect(RgbImage.Filled(500, 300, 200, 200, 190), CancellationToken.None);
        result.Boxes.Should().BeEmpty();
        result.Map.Data.Max().Should().BeLessThan(detector.Options.BinarizationThreshold);
    }

    [Fact]
    public void The_map_covers_the_image_at_the_model_input_size()
    {
        var result = detector.Detect(RgbImage.Filled(1280, 720, 255, 255, 255), CancellationToken.None);
        var (w, h) = DetectionPreprocessor.InputSize(1280, 720, detector.Options);
        result.Map.Width.Should().Be(w);
        result.Map.Height.Should().Be(h);
        (result.Map.Width * result.Map.ScaleX).Should().BeApproximately(1280, 1e-2f);
        (result.Map.Height * result.Map.ScaleY).Should().BeApproximately(720, 1e-2f);
        result.Timings.Model.Should().BePositive();
    }

    [Fact]
    public void Tiling_finds_the_same_words_as_one_pass()
    {
        var scene = TextRenderer.RenderWithBoxes(new SceneSpec(
            900,
            500,
            [new TextItem("LEFT", 60, 60, "DejaVu Sans Bold 40"), new TextItem("ACROSS THE SEAM", 300, 230, "DejaVu Sans Bold 36"), new TextItem("RIGHT", 700, 400, "DejaVu Sans Bold 40")],
            SceneBackground.Noise));
        // At PaddleOCR's 960 limit the scene runs at 896x512, so 320-pixel tiles cut it into 4 x 2 with seams through the middle line.
        using var tiled = new TextDetector(TextDetector.DefaultModelPath, DetectorOptions.PaddleOcr with { TileSize = 320, TileOverlap = 96 }, new Onnx.OnnxOptions(), 1);

        var boxes = tiled.Detect(scene.Image, CancellationToken.None).Boxes;

        foreach (var word in scene.TextBoxes)
        {
            boxes.Max(b => PolygonClipping.IntersectionOverUnion(word, b.Quad)).Should().BeGreaterThan(0.5);
        }
    }

    [Fact]
    public void A_cancelled_detection_throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var act = () => detector.Detect(RgbImage.Filled(64, 64, 0, 0, 0), cts.Token);
        act.Should().Throw<OperationCanceledException>();
    }

    [IcdarDevDataFact]
    public void Most_legible_words_of_dev_photos_are_found()
    {
        var evaluator = new DetectionEvaluator();
        var total = default(DetectionCounts);
        foreach (var number in new[] { 1, 7, 10 })
        {
            var image = ImageDecoder.Decode(IcdarDevData.ImagePath(number), ImageDecodeOptions.Default with { ApplyOrientation = false }).Image;
            var groundTruth = IcdarGroundTruth.ReadFile(IcdarDevData.GroundTruthPath(number));
            var boxes = detector.Detect(image, CancellationToken.None).Boxes.Select(b => b.Quad).ToList();
            var evaluation = evaluator.Evaluate(groundTruth, boxes);
            if (number == 1)
            {
                evaluation.Counts.Recall.Should().BeGreaterThan(0.7, "img_1 is a clear sign with well separated words");
            }

            total += evaluation.Counts;
        }

        total.CoverageRecall.Should().BeGreaterThan(0.6);
        total.CoveragePrecision.Should().BeGreaterThan(0.6);
    }

    public sealed class DetectorFixture : IDisposable
    {
        public TextDetector Detector { get; } = TextDetector.Open();

        public void Dispose() => Detector.Dispose();
    }
}
