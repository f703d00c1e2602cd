using Retrieval.Models.Geometry;
using Retrieval.Models.Text.Detection;

namespace Retrieval.Models.Tests.Detection;

public sealed class ReadingOrderAndTilingTests
{
    [Fact]
    public void Words_on_a_slightly_uneven_line_read_left_to_right_before_the_next_line()
    {
        DetectedText nextLine = Box(0, 50, 80, 20), right = Box(100, 10, 60, 20), left = Box(0, 14, 80, 20), middle = Box(85, 12, 10, 20);
        ReadingOrder.Sort([nextLine, right, left, middle]).Should().Equal(left, middle, right, nextLine);
    }

    [Fact]
    public void Boxes_further_apart_than_half_a_line_are_separate_lines()
    {
        DetectedText upperRight = Box(100, 10, 60, 20), lowerLeft = Box(0, 25, 80, 20);
        ReadingOrder.Sort([lowerLeft, upperRight]).Should().Equal(upperRight, lowerLeft);
    }

    [Theory]
    [InlineData(1920, 1280, 96)]
    [InlineData(1088, 960, 96)]
    [InlineData(896, 320, 96)]
    [InlineData(500, 960, 96)]
    public void Tiles_fit_the_input_and_their_owned_parts_partition_it(int length, int tile, int overlap)
    {
        var spans = TileLayout.Along(length, tile, overlap);
        spans[0].OwnStart.Should().Be(0);
        spans[^1].OwnEnd.Should().Be(length);
        for (var i = 0; i < spans.Count; i++)
        {
            var s = spans[i];
            s.Start.Should().BeGreaterThanOrEqualTo(0);
            (s.Start + s.Size).Should().BeLessThanOrEqualTo(length);
            s.OwnStart.Should().BeGreaterThanOrEqualTo(s.Start);
            s.OwnEnd.Should().BeLessThanOrEqualTo(s.Start + s.Size);
            if (i > 0)
            {
                s.OwnStart.Should().Be(spans[i - 1].OwnEnd);
                (spans[i - 1].Start + spans[i - 1].Size - s.Start).Should().BeGreaterThanOrEqualTo(overlap);
            }
        }
    }

    private static DetectedText Box(float x, float y, float w, float h) =>
        new(new Quad(new PointF(x, y), new PointF(x + w, y), new PointF(x + w, y + h), new PointF(x, y + h)), 0.9f);
}
