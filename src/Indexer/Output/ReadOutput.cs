using System.Text.Json.Serialization;
using Retrieval.Models.Geometry;
using Retrieval.Models.Text;
using Retrieval.Models.Text.Recognition;

namespace Retrieval.Indexer.Output;

/// <summary>
/// The JSON contract of <c>retrieval read --json</c>: one object per input, in input order. Other tools
/// depend on this shape (docs/CLI.md); add fields, never rename or remove them.
/// Quads are [[x1,y1],[x2,y2],[x3,y3],[x4,y4]] clockwise from top-left, in the image's stored pixel
/// coordinates when <c>orientationApplied</c> is false, in EXIF-oriented coordinates when it is true.
/// </summary>
public sealed record ReadImageJson(
    string Path,
    int Width,
    int Height,
    bool OrientationApplied,
    string? Error,
    IReadOnlyList<ReadLineJson> Lines);

public sealed record ReadLineJson(float[][] Quad, string Text, float Confidence, IReadOnlyList<ReadWordJson> Words);

public sealed record ReadWordJson(float[][] Quad, string Text, float Confidence);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(List<ReadImageJson>))]
internal sealed partial class ReadJsonContext : JsonSerializerContext;

internal static class ReadJson
{
    public static ReadImageJson From(string path, int width, int height, bool orientationApplied, OcrResult result) =>
        new(path, width, height, orientationApplied, null, result.Lines.Select(Line).ToList());

    public static ReadImageJson Failed(string path, string error) => new(path, 0, 0, false, error, []);

    public static float[][] Quad(Quad q) =>
    [
        [Round(q.TopLeft.X), Round(q.TopLeft.Y)], [Round(q.TopRight.X), Round(q.TopRight.Y)],
        [Round(q.BottomRight.X), Round(q.BottomRight.Y)], [Round(q.BottomLeft.X), Round(q.BottomLeft.Y)],
    ];

    public static float Round(float v) => MathF.Round(v, 1);

    private static ReadLineJson Line(RecognizedLine line) =>
        new(Quad(line.Quad), line.Text, MathF.Round(line.Confidence, 4), line.Words.Select(w => new ReadWordJson(Quad(w.Quad), w.Text, MathF.Round(w.Confidence, 4))).ToList());
}
