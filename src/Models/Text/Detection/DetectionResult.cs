using Retrieval.Models.Geometry;

namespace Retrieval.Models.Text.Detection;

/// <summary>
/// One detected text region in original image pixels: a rotated rectangle (clipped to the image),
/// clockwise from top-left, whose top edge is the rectangle side nearest to horizontal (the longer
/// side when both are equally near), so horizontal-ish lines read from <see cref="Quad.TopLeft"/> to
/// <see cref="Quad.TopRight"/>; boxes whose long side is nearer vertical come out taller than wide.
/// </summary>
/// <param name="Quad">The region.</param>
/// <param name="Score">Mean text probability inside the region before unclipping (see <see cref="BoxScoreMode"/>).</param>
public sealed record DetectedText(Quad Quad, float Score);

/// <summary>Where the time of one detection went.</summary>
public readonly record struct DetectionTimings(TimeSpan Preprocess, TimeSpan Model, TimeSpan Postprocess);

/// <summary>The boxes of one image, in reading order, and the probability map they came from.</summary>
public sealed record DetectionResult(IReadOnlyList<DetectedText> Boxes, ProbabilityMap Map)
{
    public DetectionTimings Timings { get; init; }
}
