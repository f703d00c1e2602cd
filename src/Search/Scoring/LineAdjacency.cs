namespace Retrieval.Search.Scoring;

/// <summary>
/// Whether one line continues another when read: next in the image's reading order, or placed
/// just to its right on the same row, or just below it overlapping it horizontally (the geometric
/// tests catch reading orders that disagree with a sign's layout).
/// </summary>
public static class LineAdjacency
{
    public static bool Follows(CandidateLine previous, CandidateLine next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (next.ReadingOrder == previous.ReadingOrder + 1)
        {
            return true;
        }

        if (ReferenceEquals(previous, next) || previous.LineId == next.LineId)
        {
            return false;
        }

        var a = previous.Quad;
        var b = next.Quad;
        var height = Math.Max(1f, Math.Max(a.Height, b.Height));
        var sameRow = MathF.Abs(a.Center.Y - b.Center.Y) < 0.5f * height;
        if (sameRow && b.MinX >= a.MaxX - (0.5f * height) && b.MinX - a.MaxX <= 2f * height)
        {
            return true;
        }

        var overlap = MathF.Min(a.MaxX, b.MaxX) - MathF.Max(a.MinX, b.MinX);
        return b.MinY >= a.Center.Y && b.MinY - a.MaxY <= 1.5f * height && overlap > 0;
    }
}
