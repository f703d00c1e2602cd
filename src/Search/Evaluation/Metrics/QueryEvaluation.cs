using System.Text.Json.Serialization;

namespace Retrieval.Search.Evaluation.Metrics;

/// <summary>The measurements of one query.</summary>
/// <param name="Query">The query text.</param>
/// <param name="Kind">How it was searched.</param>
/// <param name="AveragePrecision">See <see cref="Metrics.AveragePrecision"/>.</param>
/// <param name="FirstRelevantRank">1-based rank of the first relevant result; null when none was returned.</param>
/// <param name="RelevantCount">Relevant images in the gallery.</param>
/// <param name="FoundCount">Relevant images among all returned results.</param>
/// <param name="ReturnedCount">Distinct images returned.</param>
/// <param name="PrecisionAt1">Relevant fraction of the first result (0 when nothing was returned).</param>
/// <param name="PrecisionAt10">Relevant results in the first 10, divided by 10 (fewer results count as misses).</param>
/// <param name="RecallAt100">Relevant results in the first 100, divided by <paramref name="RelevantCount"/>.</param>
public sealed record QueryEvaluation(
    string Query,
    BenchmarkQueryKind Kind,
    double AveragePrecision,
    int? FirstRelevantRank,
    int RelevantCount,
    int FoundCount,
    int ReturnedCount,
    double PrecisionAt1,
    double PrecisionAt10,
    double RecallAt100)
{
    /// <summary>The first results (how many: <see cref="RetrievalEvaluator"/>'s option), relevant or not, with their matched boxes.</summary>
    public IReadOnlyList<EvaluatedResult> TopResults { get; init; } = [];

    /// <summary>Relevant images that were not returned at all.</summary>
    public IReadOnlyList<string> MissedRelevant { get; init; } = [];

    /// <summary>This query's precision-recall steps (see <see cref="Metrics.AveragePrecision.Compute"/>); summarized, not written per query.</summary>
    [JsonIgnore]
    public IReadOnlyList<PrecisionRecallPoint> Curve { get; init; } = [];
}
