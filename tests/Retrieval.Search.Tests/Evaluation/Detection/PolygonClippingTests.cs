using Retrieval.Models.Geometry;
using Retrieval.Search.Evaluation.Detection;

namespace Retrieval.Search.Tests.Evaluation.Detection;

public sealed class PolygonClippingTests
{
    [Fact]
    public void Two_unit_squares_offset_by_half_share_a_third_of_their_union()
    {
        var a = Box(0, 0, 1, 1);
        var b = Box(0.5f, 0, 1.5f, 1);
        PolygonClipping.IntersectionArea(a, b).Should().BeApproximately(0.5, 1e-9);
        PolygonClipping.IntersectionOverUnion(a, b).Should().BeApproximately(0.5 / 1.5, 1e-9);
    }

    [Fact]
    public void Identical_quads_have_iou_one_and_disjoint_quads_zero()
    {
        PolygonClipping.IntersectionOverUnion(Box(10, 10, 50, 30), Box(10, 10, 50, 30)).Should().BeApproximately(1, 1e-9);
        PolygonClipping.IntersectionOverUnion(Box(0, 0, 10, 10), Box(20, 0, 30, 10)).Should().Be(0);
    }

    [Fact]
    public void A_diamond_inside_a_square_keeps_its_own_area()
    {
        // Corners at the square's edge midpoints: half the square's area.
        var square = Box(0, 0, 2, 2);
        var diamond = new Quad(new PointF(1, 0), new PointF(2, 1), new PointF(1, 2), new PointF(0, 1));
        PolygonClipping.IntersectionArea(square, diamond).Should().BeApproximately(2, 1e-6);
        PolygonClipping.IntersectionOverUnion(square, diamond).Should().BeApproximately(0.5, 1e-6);
    }

    [Fact]
    public void The_orientation_of_either_polygon_does_not_matter()
    {
        var clockwise = Box(0, 0, 4, 2);
        var counterClockwise = new Quad(new PointF(1, 1), new PointF(1, 3), new PointF(3, 3), new PointF(3, 1));
        PolygonClipping.IntersectionArea(clockwise, counterClockwise).Should().BeApproximately(2, 1e-6);
        PolygonClipping.IntersectionArea(counterClockwise, clockwise).Should().BeApproximately(2, 1e-6);
    }

    [Fact]
    public void A_rotated_rectangle_clipped_by_a_square_matches_the_hand_computed_area()
    {
        // A square turned 45 degrees about (1, 1) with half-diagonal 1 is the diamond (1,0),(2,1),(1,2),(0,1);
        // clipped by the square x >= 1 it leaves the right triangle of area 1.
        var diamond = new Quad(new PointF(1, 0), new PointF(2, 1), new PointF(1, 2), new PointF(0, 1));
        PolygonClipping.IntersectionArea(diamond, Box(1, -5, 9, 5)).Should().BeApproximately(1, 1e-6);
    }

    [Fact]
    public void A_concave_subject_is_clipped_exactly_by_a_convex_polygon()
    {
        // An arrowhead (concave at (2, 1)) inside a large box keeps its full area, 3.
        var arrow = new Quad(new PointF(0, 0), new PointF(4, 1), new PointF(0, 2), new PointF(2, 1));
        PolygonClipping.IsConvex([arrow.TopLeft, arrow.TopRight, arrow.BottomRight, arrow.BottomLeft]).Should().BeFalse();
        PolygonClipping.Area(arrow).Should().BeApproximately(2, 1e-6);
        PolygonClipping.IntersectionArea(arrow, Box(-1, -1, 10, 10)).Should().BeApproximately(2, 1e-6);
        PolygonClipping.IntersectionArea(Box(-1, -1, 10, 10), arrow).Should().BeApproximately(2, 1e-6);
    }

    private static Quad Box(float x0, float y0, float x1, float y1) =>
        new(new PointF(x0, y0), new PointF(x1, y0), new PointF(x1, y1), new PointF(x0, y1));
}
