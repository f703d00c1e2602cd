using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;
using Retrieval.Models.Text;
using Retrieval.Models.Text.Recognition;

namespace Retrieval.Models.Tests.Recognition;

public sealed class TextRecognizerTests(RecognizerFixture fixture) : IClassFixture<RecognizerFixture>
{
    [Theory]
    [InlineData("EXIT", "DejaVu Sans Bold 40", 0, SceneBackground.Plain)]
    [InlineData("Library", "DejaVu Serif 32", 0, SceneBackground.Gradient)]
    [InlineData("parking", "DejaVu Sans Mono 24", 0, SceneBackground.Noise)]
    [InlineData("Station", "DejaVu Sans 16", 0, SceneBackground.Plain)]
    [InlineData("WELCOME", "DejaVu Serif Bold 60", 12, SceneBackground.Gradient)]
    [InlineData("coffee", "DejaVu Sans Italic 36", -15, SceneBackground.Noise)]
    [InlineData("Open 24", "DejaVu Sans Bold 28", 20, SceneBackground.Plain)]
    [InlineData("2024", "DejaVu Sans Mono Bold 44", -8, SceneBackground.Gradient)]
    public void Clear_rendered_words_are_read_exactly(string text, string font, double angle, SceneBackground background)
    {
        var (image, quad) = RecognizerFixture.Render(text, font, angle, background);

        var line = fixture.Recognizer.Recognize(image, [quad], CancellationToken.None).Single();

        line.Text.Trim().Should().BeEquivalentTo(text);
        line.Confidence.Should().BeGreaterThan(0.8f);
    }

    [Fact]
    public void Several_lines_come_back_in_input_order_whatever_their_batch()
    {
        var words = new[] { "a", "station", "longer line of text", "b12", "north" };
        var items = words.Select((w, i) => new TextItem(w, 20, 20 + (i * 60), "DejaVu Sans 32")).ToList();
        var rendered = TextRenderer.RenderWithBoxes(new SceneSpec(520, 340, items));

        using var recognizer = new TextRecognizer(RecognizerModelFiles.Default, new RecognizerOptions { BatchSize = 2 }, new Onnx.OnnxOptions());

        var lines = recognizer.Recognize(rendered.Image, rendered.TextBoxes, CancellationToken.None);

        lines.Select(l => l.Text.Trim().ToLowerInvariant()).Should().Equal(words);
    }

    [Fact]
    public void A_multi_word_line_gives_ordered_disjoint_word_boxes_inside_the_line()
    {
        // Three items on one baseline, so each word's own box is known; the line quad spans them with
        // a detector-like margin (ink-tight boxes make the model drop spaces between capitals).
        const string font = "DejaVu Sans 36";
        var items = new[] { new TextItem("CITY", 30, 40, font), new TextItem("PARK", 160, 40, font), new TextItem("NORTH", 290, 40, font) };
        var rendered = TextRenderer.RenderWithBoxes(new SceneSpec(480, 130, items));
        var boxes = rendered.TextBoxes;
        var lineQuad = LineQuad.Expand(new Quad(boxes[0].TopLeft, boxes[2].TopRight, boxes[2].BottomRight, boxes[0].BottomLeft), 0.25f);

        var line = fixture.Recognizer.Recognize(rendered.Image, [lineQuad], CancellationToken.None).Single();

        line.Text.Should().Be("CITY PARK NORTH");
        line.Words.Select(w => w.Text).Should().Equal("CITY", "PARK", "NORTH");
        for (var i = 0; i < 3; i++)
        {
            var word = line.Words[i].Quad;
            word.MinX.Should().BeGreaterThanOrEqualTo(lineQuad.MinX - 0.01f);
            word.MaxX.Should().BeLessThanOrEqualTo(lineQuad.MaxX + 0.01f);
            word.MinY.Should().BeGreaterThanOrEqualTo(lineQuad.MinY - 0.01f);
            word.MaxY.Should().BeLessThanOrEqualTo(lineQuad.MaxY + 0.01f);
            if (i > 0)
            {
                word.MinX.Should().BeGreaterThanOrEqualTo(line.Words[i - 1].Quad.MaxX);
            }

            // The word box covers most of the drawn word and not much else.
            var overlap = Math.Min(word.MaxX, boxes[i].MaxX) - Math.Max(word.MinX, boxes[i].MinX);
            var union = Math.Max(word.MaxX, boxes[i].MaxX) - Math.Min(word.MinX, boxes[i].MinX);
            (overlap / union).Should().BeGreaterThan(0.7f, $"word {i} spans {word.MinX}..{word.MaxX}, drawn {boxes[i].MinX}..{boxes[i].MaxX}");
            line.Words[i].Confidence.Should().BeGreaterThan(0.8f);
        }
    }

    [Fact]
    public void The_lattice_round_trips_and_its_best_path_is_the_folded_reading()
    {
        var (image, quad) = RecognizerFixture.Render("Market Street", "DejaVu Serif 34", 5, SceneBackground.Gradient);

        var line = fixture.Recognizer.Recognize(image, [quad], CancellationToken.None).Single();
        var encoded = LatticeCodec.Encode(line.Lattice);
        var decoded = LatticeCodec.Decode(encoded);

        line.Text.Should().Be("Market Street");
        line.Lattice.BestPath().Should().Be("market street");
        decoded.BestPath().Should().Be("market street");
        decoded.Steps.Should().Be(line.Lattice.Steps);
        var expectedSteps = (int)MathF.Round(quad.Width / quad.Height * 48 / 8);
        line.Lattice.Steps.Should().Be(expectedSteps);
        encoded.Length.Should().BeLessThan(line.Lattice.Steps * 12);
        for (var t = 0; t < line.Lattice.Steps; t++)
        {
            line.Lattice.SymbolsAt(t).Length.Should().BeLessThanOrEqualTo(4);
            foreach (var p in line.Lattice.ProbabilitiesAt(t))
            {
                p.Should().BeGreaterThanOrEqualTo(0.002f);
            }

            line.Lattice.Residual(t).Should().BeLessThan(0.05f);
        }
    }

    [Fact]
    public void Upper_and_lower_case_pool_their_probability_in_one_folded_symbol()
    {
        var (image, quad) = RecognizerFixture.Render("Sos", "DejaVu Sans 40");

        var lattice = fixture.Recognizer.Recognize(image, [quad], CancellationToken.None).Single().Lattice;

        for (var t = 0; t < lattice.Steps; t++)
        {
            lattice.Probability(t, 'S').Should().Be(0f, "symbols are folded to lower case");
            lattice.SymbolsAt(t).ToArray().Should().OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public void A_tall_crop_is_turned_counter_clockwise_before_reading()
    {
        // Text turned 90 degrees clockwise reads top to bottom; a detector reports its tall box with
        // corners ordered geometrically, which puts the text's own top-left at the box's top-right.
        var (image, textQuad) = RecognizerFixture.Render("HOTEL", "DejaVu Sans Bold 40", 90);
        var geometric = Quad.FromPoints([textQuad.TopLeft, textQuad.TopRight, textQuad.BottomRight, textQuad.BottomLeft]);
        geometric.Height.Should().BeGreaterThan(1.5f * geometric.Width);

        var line = fixture.Recognizer.Recognize(image, [geometric], CancellationToken.None).Single();

        line.Text.Should().Be("HOTEL");
        Distance(line.Quad.TopLeft, textQuad.TopLeft).Should().BeLessThan(1f);
        Distance(line.Quad.TopRight, textQuad.TopRight).Should().BeLessThan(1f);
    }

    [Fact]
    public void An_upside_down_line_is_read_when_the_direction_classifier_is_on()
    {
        var (image, textQuad) = RecognizerFixture.Render("Museum", "DejaVu Sans 40", 180);
        var geometric = LineQuad.Rotate180(textQuad);

        var line = fixture.WithClassifier.Recognize(image, [geometric], CancellationToken.None).Single();

        line.Text.Should().Be("Museum");
        Distance(line.Quad.TopLeft, textQuad.TopLeft).Should().BeLessThan(1f);
        fixture.Recognizer.Recognize(image, [geometric], CancellationToken.None).Single().Text.Should().NotBe("Museum");
    }

    [Fact]
    public void The_classifier_leaves_upright_lines_alone()
    {
        var (image, quad) = RecognizerFixture.Render("Museum", "DejaVu Sans 40");

        var line = fixture.WithClassifier.Recognize(image, [quad], CancellationToken.None).Single();

        line.Text.Should().Be("Museum");
        line.Quad.Should().Be(quad);
    }

    [Fact]
    public void No_lines_give_no_results_and_blank_regions_give_empty_low_confidence_readings()
    {
        var image = RgbImage.Filled(200, 100, 200, 200, 200);
        var blank = new Quad(new PointF(10, 10), new PointF(150, 10), new PointF(150, 50), new PointF(10, 50));

        fixture.Recognizer.Recognize(image, [], CancellationToken.None).Should().BeEmpty();
        var line = fixture.Recognizer.Recognize(image, [blank], CancellationToken.None).Single();

        line.Text.Should().BeEmpty();
        line.Confidence.Should().Be(0f);
        line.Words.Should().BeEmpty();
        line.Lattice.Steps.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Lines_below_the_confidence_floor_are_left_out()
    {
        var rendered = TextRenderer.RenderWithBoxes(new SceneSpec(300, 150, [new TextItem("OPEN", 20, 20, "DejaVu Sans Bold 40")]));
        var blank = new Quad(new PointF(20, 100), new PointF(200, 100), new PointF(200, 140), new PointF(20, 140));
        using var strict = new TextRecognizer(RecognizerModelFiles.Default, new RecognizerOptions { MinLineConfidence = 0.5f }, new Onnx.OnnxOptions());

        var lines = strict.Recognize(rendered.Image, [blank, rendered.TextBoxes[0]], CancellationToken.None);

        lines.Select(l => l.Text).Should().Equal("OPEN");
    }

    [Fact]
    public void A_cancelled_token_stops_recognition()
    {
        var (image, quad) = RecognizerFixture.Render("EXIT", "DejaVu Sans 30");

        var act = () => fixture.Recognizer.Recognize(image, [quad], new CancellationToken(canceled: true));

        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void A_quad_with_a_non_finite_corner_is_refused()
    {
        var image = RgbImage.Filled(100, 50, 200, 200, 200);
        var bad = new Quad(new PointF(float.NaN, 0), new PointF(50, 0), new PointF(50, 20), new PointF(0, 20));

        var act = () => fixture.Recognizer.Recognize(image, [bad], CancellationToken.None);

        act.Should().Throw<ArgumentException>().WithMessage("Line 0 *");
    }

    private static float Distance(PointF a, PointF b) => (a - b).Length;
}
