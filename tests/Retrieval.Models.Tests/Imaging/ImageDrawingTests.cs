using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Imaging;

public sealed class ImageDrawingTests
{
    private static readonly RgbColor Paper = new(255, 255, 255);

    [Fact]
    public void A_quad_outline_covers_its_edges_and_leaves_its_inside_alone()
    {
        var image = RgbImage.Filled(100, 80, 255, 255, 255);
        var quad = new Quad(new PointF(20, 20), new PointF(80, 20), new PointF(80, 60), new PointF(20, 60));

        image.DrawQuad(quad, RgbColor.Red, lineWidth: 3);

        foreach (var (x, y) in new[] { (50, 20), (80, 40), (50, 60), (20, 40), (20, 20), (80, 60) })
        {
            TestImages.At(image, x, y).Should().Be(RgbColor.Red, $"({x},{y}) is on the outline");
        }

        TestImages.At(image, 50, 40).Should().Be(Paper, "the inside is not filled");
        TestImages.At(image, 5, 5).Should().Be(Paper);
        TestImages.At(image, 50, 23).Should().Be(Paper, "a 3-pixel line reaches 1.5 pixels from the edge");
    }

    [Theory]
    [InlineData(1f, 1)]
    [InlineData(3f, 3)]
    [InlineData(5f, 5)]
    public void A_horizontal_line_is_as_thick_as_its_width(float width, int expectedRows)
    {
        var image = RgbImage.Filled(40, 40, 255, 255, 255);

        image.DrawLine(new PointF(5, 20), new PointF(35, 20), RgbColor.Blue, width);

        var rows = Enumerable.Range(0, 40).Count(y => TestImages.At(image, 20, y) == RgbColor.Blue);
        rows.Should().Be(expectedRows);
    }

    [Fact]
    public void A_thin_diagonal_line_has_no_gaps()
    {
        var image = RgbImage.Filled(50, 50, 255, 255, 255);

        image.DrawLine(new PointF(0, 0), new PointF(50, 37), RgbColor.Green, 1);

        for (var x = 0; x < 50; x++)
        {
            Enumerable.Range(0, 50).Any(y => TestImages.At(image, x, y) == RgbColor.Green).Should().BeTrue($"column {x} is crossed");
        }
    }

    [Fact]
    public void A_rotated_quad_is_drawn_along_its_tilted_edges()
    {
        var image = RgbImage.Filled(100, 100, 255, 255, 255);
        var quad = Quad.FromPoints([new PointF(50, 10), new PointF(90, 50), new PointF(50, 90), new PointF(10, 50)]);

        image.DrawQuad(quad, RgbColor.Yellow, 2);

        TestImages.At(image, 30, 30).Should().Be(RgbColor.Yellow);
        TestImages.At(image, 70, 70).Should().Be(RgbColor.Yellow);
        TestImages.At(image, 50, 50).Should().Be(Paper);
        TestImages.At(image, 10, 10).Should().Be(Paper);
    }

    [Fact]
    public void Shapes_partly_or_wholly_outside_the_image_are_clipped()
    {
        var image = RgbImage.Filled(30, 20, 255, 255, 255);

        image.DrawQuad(new Quad(new PointF(-50, -50), new PointF(25, -50), new PointF(25, 15), new PointF(-50, 15)), RgbColor.Red, 2);
        image.DrawLine(new PointF(500, 500), new PointF(900, 700), RgbColor.Red, 4);

        TestImages.At(image, 25, 5).Should().Be(RgbColor.Red);
        TestImages.At(image, 10, 15).Should().Be(RgbColor.Red);
        TestImages.At(image, 29, 19).Should().Be(Paper);
    }

    [Fact]
    public void Bad_line_arguments_are_rejected()
    {
        var image = RgbImage.Filled(10, 10, 0, 0, 0);

        var zeroWidth = () => image.DrawLine(new PointF(0, 0), new PointF(5, 5), RgbColor.Red, 0);
        var notANumber = () => image.DrawLine(new PointF(float.NaN, 0), new PointF(5, 5), RgbColor.Red, 1);

        zeroWidth.Should().Throw<ArgumentOutOfRangeException>();
        notANumber.Should().Throw<ArgumentException>();
    }
}
