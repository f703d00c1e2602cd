using Retrieval.Models.Text.Detection;

namespace Retrieval.Models.Tests.Detection;

public sealed class DbPostProcessorTests
{
    private static readonly DetectorOptions Options = DetectorOptions.PaddleOcr;

    [Fact]
    public void A_filled_rectangle_becomes_one_box_grown_by_the_unclip_distance()
    {
        // Pixels x 10..49, y 20..29: pixel centres span 39 x 9; unclip d = 39 * 9 * 1.5 / (2 * 48).
        var map = new ProbabilityMap(100, 60, Map(100, 60, (10, 20, 40, 10, 0.9f)).Data, 2f, 2f);
        var box = DbPostProcessor.Process(map, 200, 120, Options, CancellationToken.None).Should().ContainSingle().Subject;

        var d = 39f * 9f * 1.5f / 96f;
        box.Score.Should().BeApproximately(0.9f, 1e-4f);
        box.Quad.TopLeft.X.Should().BeApproximately(2 * (10 - d), 1e-3f, "the map is half the image size");
        box.Quad.TopLeft.Y.Should().BeApproximately(2 * (20 - d), 1e-3f);
        box.Quad.Width.Should().BeApproximately(2 * (39 + (2 * d)), 1e-3f);
        box.Quad.Height.Should().BeApproximately(2 * (9 + (2 * d)), 1e-3f);
    }

    [Fact]
    public void Boxes_on_one_line_read_left_to_right_and_lines_top_to_bottom()
    {
        // The right word sits two pixels higher; it is still on the same line.
        var map = Map(200, 100, (120, 18, 30, 10, 0.9f), (10, 20, 40, 10, 0.9f), (10, 60, 60, 10, 0.9f));
        var boxes = DbPostProcessor.Process(map, 200, 100, Options, CancellationToken.None);

        boxes.Select(b => (int)b.Quad.Center.X / 10).Should().Equal(2, 13, 3);
        boxes[2].Quad.Center.Y.Should().BeGreaterThan(60);
    }

    [Fact]
    public void Components_thinner_than_the_minimum_size_or_below_the_box_threshold_are_dropped()
    {
        var map = Map(100, 100, (10, 10, 40, 2, 0.9f), (10, 50, 40, 10, 0.5f));
        DbPostProcessor.Process(map, 100, 100, Options, CancellationToken.None).Should().BeEmpty();
        DbPostProcessor.Process(map, 100, 100, Options with { BoxThreshold = 0.4f }, CancellationToken.None).Should().ContainSingle()
            .Which.Score.Should().BeApproximately(0.5f, 1e-4f);
    }

    [Fact]
    public void Pixels_at_the_binarization_threshold_are_not_text()
    {
        var map = Map(100, 100, (10, 10, 40, 10, 0.3f));
        DbPostProcessor.Process(map, 100, 100, Options with { BoxThreshold = 0.1f }, CancellationToken.None).Should().BeEmpty();
    }

    [Fact]
    public void Diagonal_neighbours_belong_to_the_same_component()
    {
        var map = Map(100, 100, (10, 10, 20, 8, 0.9f), (30, 18, 20, 8, 0.9f));
        DbPostProcessor.Process(map, 100, 100, Options with { ScoreMode = BoxScoreMode.Polygon }, CancellationToken.None).Should().ContainSingle();
    }

    [Fact]
    public void Dilation_joins_blobs_one_pixel_apart()
    {
        var map = Map(100, 100, (10, 10, 20, 8, 0.9f), (31, 10, 20, 8, 0.9f));
        DbPostProcessor.Process(map, 100, 100, Options, CancellationToken.None).Should().HaveCount(2);
        DbPostProcessor.Process(map, 100, 100, Options with { UseDilation = true }, CancellationToken.None).Should().ContainSingle();
    }

    [Fact]
    public void Polygon_scoring_averages_the_component_and_fast_scoring_the_box()
    {
        // An L shape: the bounding rectangle's corner is background (0.0) and drags the fast score down.
        var map = Map(100, 100, (10, 10, 40, 6, 0.9f), (10, 16, 6, 30, 0.9f));
        var fast = DbPostProcessor.Process(map, 100, 100, Options with { BoxThreshold = 0 }, CancellationToken.None).Single();
        var polygon = DbPostProcessor.Process(map, 100, 100, Options with { BoxThreshold = 0, ScoreMode = BoxScoreMode.Polygon }, CancellationToken.None).Single();
        polygon.Score.Should().BeApproximately(0.9f, 1e-4f);
        fast.Score.Should().BeLessThan(0.6f);
    }

    [Fact]
    public void Only_the_first_max_candidates_components_are_considered()
    {
        var map = Map(200, 100, (10, 10, 40, 10, 0.9f), (100, 10, 40, 10, 0.9f), (10, 60, 40, 10, 0.9f));
        DbPostProcessor.Process(map, 200, 100, Options with { MaxCandidates = 2 }, CancellationToken.None).Should().HaveCount(2);
    }

    [Fact]
    public void Boxes_are_clipped_to_the_image()
    {
        var map = Map(100, 100, (0, 0, 40, 10, 0.9f));
        var quad = DbPostProcessor.Process(map, 100, 100, Options, CancellationToken.None).Single().Quad;
        quad.MinX.Should().Be(0);
        quad.MinY.Should().Be(0);
    }

    [Fact]
    public void An_empty_map_gives_no_boxes()
    {
        DbPostProcessor.Process(Map(64, 64), 64, 64, Options, CancellationToken.None).Should().BeEmpty();
    }

    /// <summary>A map with axis-aligned rectangles (x, y, width, height, probability) on a zero background.</summary>
    private static ProbabilityMap Map(int width, int height, params (int X, int Y, int W, int H, float P)[] rectangles)
    {
        var data = new float[width * height];
        foreach (var (x, y, w, h, p) in rectangles)
        {
            for (var j = y; j < y + h; j++)
            {
                data.AsSpan((j * width) + x, w).Fill(p);
            }
        }

        return new ProbabilityMap(width, height, data, 1f, 1f);
    }
}
