using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Retrieval.Indexer.Commands;
using Retrieval.Indexer.Pipeline;
using Retrieval.Models;
using Retrieval.Search;
using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Metrics;
using Retrieval.Search.Evaluation.Reports;
using Retrieval.Search.Query;
using Retrieval.Search.Scoring;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Evaluation;

/// <summary>How a benchmark run indexes and searches.</summary>
/// <param name="Fusion">How the CLIP channel joins the ranking when the index has one (null: the default).</param>
public sealed record EvaluationSettings(string IndexDirectory, IndexingOptions Indexing, string? ReportDirectory, bool Json, bool Exhaustive, string CommandLine, FusionOptions? Fusion = null);

/// <summary>
/// Runs benchmarks through the same path as everything else: index the gallery with the indexing
/// pipeline (reusing an index that is already complete), send every query through the one
/// <see cref="Searcher"/>, and score the rankings with the literature's metrics. Several query sets
/// over the same gallery (ICDAR2015 top-100, all words, phrases) share one index.
/// </summary>
public static class EvaluationRunner
{
    public static async Task<int> RunAsync(IReadOnlyList<BenchmarkDataset> datasets, EvaluationSettings settings, CancellationToken cancellationToken)
    {
        var gallery = datasets[0].GalleryImages;
        var (code, indexing) = await IndexCommand.RunWithSummaryAsync(gallery, settings.IndexDirectory, settings.Indexing, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            return code;
        }

        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = settings.IndexDirectory, ReadOnly = true });
        var info = await store.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var fusion = settings.Fusion ?? FusionOptions.Default;
        using var clip = await SearchCommand.OpenClipAsync(store, fusion, cancellationToken).ConfigureAwait(false);
        var searcher = Searcher.Create(store, clip);
        var options = new SearchOptions { Top = Math.Max(1, gallery.Count), MinScore = 0, Exhaustive = settings.Exhaustive, Fusion = fusion };
        Console.Out.WriteLine(clip is null
            ? "ranking: text only (no CLIP channel: no registered model with embeddings, or --fusion off)"
            : string.Create(CultureInfo.InvariantCulture, $"ranking: text + CLIP ({fusion.Method.ToString().ToLowerInvariant()}, clip weight {fusion.ClipWeight}; {clip.Vectors.Count} embeddings of {clip.Vectors.ImageCount} images, model {clip.Registration.ModelDirectory})"));
        var catalog = ModelCatalog.Open(settings.Indexing.ModelsDirectory);
        foreach (var dataset in datasets)
        {
            var evaluator = new RetrievalEvaluator(dataset);
            var evaluations = new List<QueryEvaluation>(dataset.Queries.Count);
            var latencies = new List<TimeSpan>(dataset.Queries.Count);
            var started = DateTimeOffset.UtcNow;
            foreach (var query in dataset.Queries)
            {
                var clock = Stopwatch.StartNew();
                IReadOnlyList<RankedResult> ranked;
                try
                {
                    var response = await searcher.SearchAsync(QueryText(query), options, cancellationToken).ConfigureAwait(false);
                    ranked = response.Hits.Select(h => new RankedResult(h.Image.Key.Path, h.Score)
                    {
                        Boxes = h.Matches.Select(m => MatchedBox.FromQuad(m.Box, m.Text, m.Score)).ToList(),
                    }).ToList();
                }
                catch (QueryException)
                {
                    ranked = [];
                }

                latencies.Add(clock.Elapsed);
                evaluations.Add(evaluator.Evaluate(query, ranked));
            }

            var summary = RetrievalMetrics.Summarize(evaluations);
            // Indexing speed is what this run indexed: 0 images when a complete index was reused.
            var performance = PerformanceSummary.From((int)indexing.Indexed, indexing.Elapsed, latencies);
            Print(dataset, summary, performance, settings.Json ? evaluations : null);
            if (settings.ReportDirectory is not null)
            {
                var record = RunRecord.Create(settings, info, catalog.Hashes, catalog.Directory, options, evaluator.TopResultsKept, started);
                var run = record with
                {
                    Options = new Dictionary<string, string>(record.Options)
                    {
                        ["fusion"] = clip is null ? "off (text only)" : fusion.Method.ToString(),
                        ["clipWeight"] = fusion.ClipWeight.ToString(CultureInfo.InvariantCulture),
                        ["clipModel"] = clip?.Registration.ModelId ?? string.Empty,
                    },
                };
                var folder = datasets.Count == 1 ? settings.ReportDirectory : Path.Combine(settings.ReportDirectory, Slug(dataset.Name));
                // The boxes are in the pixels the index read, so thumbnails are turned (or not) the same way.
                var thumbnails = ThumbnailStripOptions.Default with { ApplyOrientation = settings.Indexing.Decode.ApplyOrientation };
                var files = await ReportWriter.WriteAsync(EvaluationReport.Create(dataset, evaluations, run, performance), folder, cancellationToken, thumbnails: thumbnails).ConfigureAwait(false);
                Console.Out.WriteLine($"  report: {files.Markdown}");
            }
        }

        return 0;
    }

    /// <summary>Phrases are searched as phrases; a word with a space in it too.</summary>
    public static string QueryText(BenchmarkQuery query) => query.Kind switch
    {
        BenchmarkQueryKind.Phrase => $"\"{query.Text}\"",
        BenchmarkQueryKind.Word when query.Text.Contains(' ', StringComparison.Ordinal) => $"\"{query.Text}\"",
        _ => query.Text,
    };

    private static void Print(BenchmarkDataset dataset, MetricsSummary s, PerformanceSummary p, IReadOnlyList<QueryEvaluation>? perQuery)
    {
        if (perQuery is not null)
        {
            var json = new
            {
                dataset = dataset.Name,
                queries = s.Queries,
                map = s.MeanAveragePrecision,
                precisionAt1 = s.PrecisionAt1,
                precisionAt10 = s.PrecisionAt10,
                recallAt100 = s.RecallAt100,
                queriesWithNoRelevantFound = s.QueriesWithNoRelevantFound,
                performance = p,
                perQuery = perQuery.Select(q => new { query = q.Query, ap = q.AveragePrecision, relevant = q.RelevantCount, found = q.FoundCount, firstRelevantRank = q.FirstRelevantRank }),
            };
            Console.Out.WriteLine(JsonSerializer.Serialize(json, ReportWriter.JsonOptions));
            return;
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{dataset.Name}: {s.Queries} queries, mAP {100 * s.MeanAveragePrecision:0.00}, P@1 {100 * s.PrecisionAt1:0.0}, P@10 {100 * s.PrecisionAt10:0.0}, R@100 {100 * s.RecallAt100:0.0}, no relevant found: {s.QueriesWithNoRelevantFound}"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  query latency p50 {p.QueryLatencyP50Milliseconds:0.0} ms, p95 {p.QueryLatencyP95Milliseconds:0.0} ms"));
    }

    private static string Slug(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-')).Trim('-');
}
