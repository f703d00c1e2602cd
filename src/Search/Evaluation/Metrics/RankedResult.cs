using Retrieval.Models.Geometry;

namespace Retrieval.Search.Evaluation.Metrics;

/// <summary>A region of a returned image that matched the query, carried into the report (thumbnails draw it).</summary>
/// <param name="Polygon">Outline in the image's pixel coordinates.</param>
/// <param name="Text">What the index read there, when known.</param>
/// <param name="Score">The match's own score, when known.</param>
public sealed record MatchedBox(IReadOnlyList<PointF> Polygon, string? Text = null, double? Score = null)
{
    public static MatchedBox FromQuad(Quad quad, string? text = null, double? score = null) =>
        new([quad.TopLeft, quad.TopRight, quad.BottomRight, quad.BottomLeft], text, score);
}

/// <summary>
/// One image the searcher returned for a query, as the runner hands it to <see cref="RetrievalEvaluator"/>:
/// the path it indexed and the score it ranked by (higher is better). Equal scores are ties.
/// </summary>
public sealed record RankedResult(string Image, double Score)
{
    public IReadOnlyList<MatchedBox> Boxes { get; init; } = [];

    /// <summary>Results known only by order: scores n, n-1, ..., 1, so no two tie.</summary>
    public static IReadOnlyList<RankedResult> FromOrder(IEnumerable<string> images)
    {
        var list = images.ToList();
        return list.Select((image, i) => new RankedResult(image, list.Count - i)).ToList();
    }
}

/// <summary>A returned image after evaluation: its 1-based rank in the de-duplicated ranking and whether it is relevant.</summary>
public sealed record EvaluatedResult(int Rank, string Image, double Score, bool IsRelevant, IReadOnlyList<MatchedBox> Boxes);

/// <summary>One point of a precision-recall curve.</summary>
public sealed record PrecisionRecallPoint(double Recall, double Precision);
