using Retrieval.Search.Evaluation.Metrics;

namespace Retrieval.Search.Evaluation.Reports;

/// <summary>
/// Everything a benchmark run produced, as written to <c>report.json</c>. Per query it keeps the top
/// results with their matched boxes, so later tooling (thumbnails of the worst queries with the boxes
/// drawn) needs nothing but this file and the images.
/// </summary>
public sealed record EvaluationReport(
    string Dataset,
    int GallerySize,
    RunInfo Run,
    MetricsSummary Summary,
    PerformanceSummary? Performance,
    IReadOnlyList<QueryEvaluation> Queries,
    IReadOnlyList<string> DatasetWarnings)
{
    /// <summary>Version of the JSON layout; raise it when a field changes meaning or goes away.</summary>
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    public static EvaluationReport Create(BenchmarkDataset dataset, IReadOnlyList<QueryEvaluation> evaluations, RunInfo run, PerformanceSummary? performance)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(evaluations);
        return new EvaluationReport(
            dataset.Name,
            dataset.GalleryImages.Count,
            run,
            RetrievalMetrics.Summarize(evaluations),
            performance,
            evaluations,
            dataset.Warnings);
    }

    /// <summary>The <paramref name="count"/> lowest-AP queries: AP ascending, then more relevant images first, then text.</summary>
    public IReadOnlyList<QueryEvaluation> WorstQueries(int count) => Queries
        .OrderBy(q => q.AveragePrecision)
        .ThenByDescending(q => q.RelevantCount)
        .ThenBy(q => q.Query, StringComparer.Ordinal)
        .Take(count)
        .ToList();
}
