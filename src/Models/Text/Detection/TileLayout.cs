namespace Retrieval.Models.Text.Detection;

/// <summary>One tile along one axis: where the model input starts, its size, and the part of the stitched map it owns.</summary>
internal readonly record struct TileSpan(int Start, int Size, int OwnStart, int OwnEnd);

/// <summary>
/// Splits one axis of the model input into overlapping tiles. Each stitched map pixel comes from
/// the tile in which it lies furthest from an edge (overlaps are split in the middle), because the
/// DB map is least reliable near a tile's border where the network lacks context.
/// </summary>
internal static class TileLayout
{
    public static IReadOnlyList<TileSpan> Along(int length, int tile, int overlap)
    {
        if (tile <= 0 || length <= tile)
        {
            return [new TileSpan(0, length, 0, length)];
        }

        var count = (int)Math.Ceiling((double)(length - overlap) / (tile - overlap));
        count = Math.Max(count, 2);
        var starts = new int[count];
        for (var i = 0; i < count; i++)
        {
            starts[i] = (int)Math.Round((double)i * (length - tile) / (count - 1));
        }

        var spans = new TileSpan[count];
        for (var i = 0; i < count; i++)
        {
            var own0 = i == 0 ? 0 : (starts[i] + starts[i - 1] + tile) / 2;
            var own1 = i == count - 1 ? length : (starts[i + 1] + starts[i] + tile) / 2;
            spans[i] = new TileSpan(starts[i], tile, own0, own1);
        }

        return spans;
    }
}
