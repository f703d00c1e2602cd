using Retrieval.Models.Geometry;
using Retrieval.Models.Text.Detection;

namespace Retrieval.Models.Tests.Detection;

public sealed class DetectionGeometryTests
{
    [Fact]
    public void The_hull_of_a_filled_grid_is_its_four_corners()
    {
        var points = new List<PointF>();
        for (var y = 0; y <= 4; y++)
        {
            for (var x = 0; x <= 9; x++)
            {
                points.Add(new PointF(x, y));
            }
        }

        var sorted = points.ToArray();
        ConvexHull.Sort(sorted);
        var hull = new PointF[sorted.Length + 1];
        var n = ConvexHull.Compute(sorted, hull);
        hull[..n].Should().BeEquivalentTo(new[] { new PointF(0, 0), new PointF(9, 0), new PointF(9, 4), new PointF(0, 4) });
    }

    [Fact]
    public void The_minimum_area_rectangle_of_an_axis_aligned_box_is_the_box()
    {
        var box = RotatedBox.MinAreaRect([new PointF(10, 20), new PointF(50, 20), new PointF(50, 30), new PointF(10, 30)]);
        box.Area.Should().BeApproximately(400, 1e-3f);
        box.ShortSide.Should().BeApproximately(10, 1e-4f);
        box.LongSide.Should().BeApproximately(40, 1e-4f);
        box.Center.X.Should().BeApproximately(30, 1e-4f);
        box.Center.Y.Should().BeApproximately(25, 1e-4f);
    }

    [Fact]
    public void The_minimum_area_rectangle_of_a_rotated_rectangle_recovers_its_angle_and_sides()
    {
        var angle = 25 * MathF.PI / 180;
        var axis = new PointF(MathF.Cos(angle), MathF.Sin(angle));
        var normal = new PointF(-axis.Y, axis.X);
        var center = new PointF(100, 80);
        PointF Corner(float u, float v) => center + (axis * u) + (normal * v);

        // The hull of a rotated 60 x 16 rectangle plus an interior point that must not matter.
        var points = new[] { Corner(-30, -8), Corner(30, -8), Corner(30, 8), Corner(-30, 8), center };
        ConvexHull.Sort(points);
        var hull = new PointF[points.Length + 1];
        var box = RotatedBox.MinAreaRect(hull.AsSpan(0, ConvexHull.Compute(points, hull)));

        box.LongSide.Should().BeApproximately(60, 1e-3f);
        box.ShortSide.Should().BeApproximately(16, 1e-3f);
        var quad = box.ToQuad();
        var top = quad.TopRight - quad.TopLeft;
        (MathF.Atan2(top.Y, top.X) * 180 / MathF.PI).Should().BeApproximately(25, 0.01f);
        quad.TopLeft.X.Should().BeApproximately(Corner(-30, -8).X, 1e-3f);
        quad.TopLeft.Y.Should().BeApproximately(Corner(-30, -8).Y, 1e-3f);
    }

    [Fact]
    public void Degenerate_point_sets_give_zero_sized_rectangles()
    {
        RotatedBox.MinAreaRect([new PointF(3, 4)]).Area.Should().Be(0);
        var line = RotatedBox.MinAreaRect([new PointF(0, 0), new PointF(10, 0)]);
        line.ShortSide.Should().Be(0);
        line.LongSide.Should().BeApproximately(10, 1e-5f);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(-20)]
    [InlineData(44)]
    [InlineData(180)]
    public void A_horizontalish_box_is_ordered_clockwise_from_top_left_along_its_long_side(float degrees)
    {
        var a = degrees * MathF.PI / 180;
        var box = new RotatedBox(new PointF(50, 50), new PointF(MathF.Cos(a), MathF.Sin(a)), 40, 10);
        var quad = box.ToQuad();

        quad.Width.Should().BeApproximately(40, 1e-3f);
        quad.Height.Should().BeApproximately(10, 1e-3f);
        quad.Area.Should().BeGreaterThan(0, "clockwise in y-down coordinates has positive shoelace area");
        (quad.TopRight.X - quad.TopLeft.X).Should().BePositive("the top edge runs left to right");
        (quad.BottomLeft.Y - quad.TopLeft.Y).Should().BePositive();
    }

    [Fact]
    public void A_box_whose_long_side_is_near_vertical_keeps_its_short_side_on_top()
    {
        var a = 80 * MathF.PI / 180;
        var quad = new RotatedBox(new PointF(50, 50), new PointF(MathF.Cos(a), MathF.Sin(a)), 40, 10).ToQuad();
        quad.Width.Should().BeApproximately(10, 1e-3f);
        quad.Height.Should().BeApproximately(40, 1e-3f);
        quad.Area.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Growing_moves_every_side_out_by_the_distance()
    {
        var grown = new RotatedBox(new PointF(0, 0), new PointF(1, 0), 40, 10).Grow(3);
        grown.Length.Should().Be(46);
        grown.Breadth.Should().Be(16);
    }
}
