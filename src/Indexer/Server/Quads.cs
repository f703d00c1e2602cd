using Retrieval.Models.Geometry;

namespace Retrieval.Indexer.Server;

/// <summary>Quads as JSON: four [x, y] corners clockwise from the top-left, rounded to 0.1 pixel.</summary>
internal static class Quads
{
    public static float[][] ToJson(Quad q) =>
    [
        [Round(q.TopLeft.X), Round(q.TopLeft.Y)],
        [Round(q.TopRight.X), Round(q.TopRight.Y)],
        [Round(q.BottomRight.X), Round(q.BottomRight.Y)],
        [Round(q.BottomLeft.X), Round(q.BottomLeft.Y)],
    ];

    private static float Round(float v) => MathF.Round(v, 1);
}
