namespace Retrieval.Models.Text.Detection;

/// <summary>
/// Sorts boxes top to bottom, and left to right among boxes on the same line, as PaddleOCR's
/// sorted_boxes does: sort by the top-left corner's (y, x), then move a box before its predecessors
/// while their top-left corners are on the same line and further right. PaddleOCR calls corners
/// within 10 pixels "the same line"; here it is half the smaller of the two heights, which scales with the
/// image.
/// </summary>
public static class ReadingOrder
{
    public static IReadOnlyList<DetectedText> Sort(IReadOnlyList<DetectedText> boxes)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        var sorted = boxes
            .OrderBy(b => b.Quad.TopLeft.Y)
            .ThenBy(b => b.Quad.TopLeft.X)
            .ToArray();
        for (var i = 0; i < sorted.Length - 1; i++)
        {
            for (var j = i; j >= 0; j--)
            {
                var upper = sorted[j].Quad;
                var lower = sorted[j + 1].Quad;
                var sameLine = MathF.Abs(lower.TopLeft.Y - upper.TopLeft.Y) < 0.5f * MathF.Min(upper.Height, lower.Height);
                if (sameLine && lower.TopLeft.X < upper.TopLeft.X)
                {
                    (sorted[j], sorted[j + 1]) = (sorted[j + 1], sorted[j]);
                }
                else
                {
                    break;
                }
            }
        }

        return sorted;
    }
}
