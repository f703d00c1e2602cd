namespace Retrieval.Search.Evaluation.Metrics;

/// <summary>The benchmark-level numbers: means over queries (every query weighs the same).</summary>
/// <param name="Queries">Queries evaluated.</param>
/// <param name="MeanAveragePrecision">mAP: the mean of <see cref="QueryEvaluation.AveragePrecision"/>.</param>
/// <param name="PrecisionAt1">Mean P@1.</param>
/// <param name="PrecisionAt10">Mean P@10.</param>
/// <param name="RecallAt100">Mean R@100.</param>
/// <param name="QueriesWithNoRelevantFound">Queries for which no returned result was relevant.</param>
/// <param name="InterpolatedPrecisionRecall">Mean interpolated precision at recall 0, 0.01, ..., 1.</param>
public sealed record MetricsSummary(
    int Queries,
    double MeanAveragePrecision,
    double PrecisionAt1,
    double PrecisionAt10,
    double RecallAt100,
    int QueriesWithNoRelevantFound,
    IReadOnlyList<PrecisionRecallPoint> InterpolatedPrecisionRecall);

/// <summary>Summarizes per-query evaluations.</summary>
public static class RetrievalMetrics
{
    /// <summary>Recall levels of <see cref="MetricsSummary.InterpolatedPrecisionRecall"/> (101 points, as in COCO).</summary>
    public const int RecallLevels = 100;

    public static MetricsSummary Summarize(IReadOnlyList<QueryEvaluation> evaluations)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        if (evaluations.Count == 0)
        {
            throw new ArgumentException("No queries were evaluated, so there is nothing to summarize.", nameof(evaluations));
        }

        var meanCurve = new double[RecallLevels + 1];
        foreach (var evaluation in evaluations)
        {
            var interpolated = AveragePrecision.Interpolate(evaluation.Curve, RecallLevels);
            for (var l = 0; l <= RecallLevels; l++)
            {
                meanCurve[l] += interpolated[l] / evaluations.Count;
            }
        }

        return new MetricsSummary(
            evaluations.Count,
            evaluations.Average(e => e.AveragePrecision),
            evaluations.Average(e => e.PrecisionAt1),
            evaluations.Average(e => e.PrecisionAt10),
            evaluations.Average(e => e.RecallAt100),
            evaluations.Count(e => e.FoundCount == 0),
            meanCurve.Select((p, l) => new PrecisionRecallPoint((double)l / RecallLevels, p)).ToList());
    }
}
