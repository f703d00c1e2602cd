using System.Text.Json;
using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Metrics;

namespace Retrieval.Search.Tests.Evaluation;

/// <summary>
/// Hand-computed cases; every expected AP was also checked against scikit-learn 1.2.1's
/// <c>average_precision_score</c> over the whole gallery, unreturned images given one score below all others.
/// </summary>
public sealed class RetrievalMetricsTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "gallery");

    [Fact]
    public void All_relevant_images_ranked_first_give_ap_1()
    {
        var e = Evaluate(10, ["g0", "g1"], ("g0", 0.9), ("g1", 0.8), ("g2", 0.7));

        e.AveragePrecision.Should().Be(1.0);
        e.FirstRelevantRank.Should().Be(1);
        e.FoundCount.Should().Be(2);
        e.PrecisionAt1.Should().Be(1);
        e.PrecisionAt10.Should().Be(0.2);
        e.RecallAt100.Should().Be(1);
        e.MissedRelevant.Should().BeEmpty();
    }

    [Fact]
    public void Precision_is_taken_at_each_relevant_hit()
    {
        // (1/2)(1/1) + (1/2)(2/3)
        Evaluate(10, ["g0", "g1"], ("g0", 3), ("g5", 2), ("g1", 1)).AveragePrecision.Should().BeApproximately(5.0 / 6, 1e-12);
    }

    [Fact]
    public void Relevant_images_never_returned_count_at_gallery_precision()
    {
        // Nothing relevant returned: the unreturned block holds both, precision 2/10: AP = 0.2.
        var none = Evaluate(10, ["g0", "g1"], ("g5", 3), ("g6", 2), ("g7", 1));
        none.AveragePrecision.Should().BeApproximately(0.2, 1e-12);
        none.FirstRelevantRank.Should().BeNull();
        none.FoundCount.Should().Be(0);
        none.PrecisionAt1.Should().Be(0);
        none.RecallAt100.Should().Be(0);
        none.MissedRelevant.Should().HaveCount(2);

        // One found at rank 2 of 5 images, one missed: (1/2)(1/2) + (1/2)(2/5) = 0.45.
        Evaluate(5, ["g0", "g1"], ("g3", 2), ("g0", 1)).AveragePrecision.Should().BeApproximately(0.45, 1e-12);

        // An empty answer: AP = R/N.
        Evaluate(10, ["g0", "g1", "g2"]).AveragePrecision.Should().BeApproximately(0.3, 1e-12);
    }

    [Fact]
    public void Tied_scores_form_one_step_whatever_their_order()
    {
        // The tie {g1, g2} at 0.5: (1/2)(1/1) + (1/2)(2/3), in either order.
        Evaluate(4, ["g0", "g1"], ("g0", 0.9), ("g2", 0.5), ("g1", 0.5)).AveragePrecision.Should().BeApproximately(5.0 / 6, 1e-12);
        Evaluate(4, ["g0", "g1"], ("g0", 0.9), ("g1", 0.5), ("g2", 0.5)).AveragePrecision.Should().BeApproximately(5.0 / 6, 1e-12);

        // All three returned tie: (1/2)(1/3) + (1/2)(2/10).
        Evaluate(10, ["g0", "g1"], ("g0", 1), ("g5", 1), ("g6", 1)).AveragePrecision.Should().BeApproximately(0.1 / 0.375, 1e-12);

        // Mixed: 0 + (1/3)(1/3) + (1/3)(2/4) + 0 + (1/3)(3/10) = 0.3778 (sklearn: 0.37777777777777777).
        Evaluate(10, ["g1", "g4", "g8"], ("g2", 5), ("g1", 4), ("g3", 4), ("g4", 3), ("g5", 2.5))
            .AveragePrecision.Should().BeApproximately(0.37777777777777777, 1e-12);
    }

    [Fact]
    public void Random_rankings_with_ties_match_scikit_learn()
    {
        using var cases = JsonDocument.Parse(File.ReadAllText(EvaluationTestData.Fixture("sklearn_ap_cases.json")));
        foreach (var c in cases.RootElement.EnumerateArray())
        {
            var relevant = c.GetProperty("relevant").EnumerateArray().Select(e => e.GetString()!).ToArray();
            var ranking = c.GetProperty("ranking").EnumerateArray().Select(e => (e[0].GetString()!, e[1].GetDouble())).ToArray();

            var e = Evaluate(c.GetProperty("gallerySize").GetInt32(), relevant, ranking);

            e.AveragePrecision.Should().BeApproximately(c.GetProperty("averagePrecision").GetDouble(), 1e-12, "case {0}", c);
        }
    }

    [Fact]
    public void A_repeated_image_counts_once_at_its_best_rank()
    {
        var e = Evaluate(10, ["g0", "g1"], ("g2", 0.9), ("g2", 0.8), ("g0", 0.7), ("g2", 0.6), ("g1", 0.5));

        e.ReturnedCount.Should().Be(3);
        e.FirstRelevantRank.Should().Be(2);
        e.TopResults.Select(r => (r.Rank, Path.GetFileName(r.Image), r.IsRelevant)).Should().Equal((1, "g2", false), (2, "g0", true), (3, "g1", true));

        // (1/2)(1/2) + (1/2)(2/3)
        e.AveragePrecision.Should().BeApproximately(0.25 + (1.0 / 3), 1e-12);
    }

    [Fact]
    public void Precision_at_10_counts_missing_results_as_misses_and_recall_at_100_stops_at_100()
    {
        var ranking = Enumerable.Range(0, 150).Select(i => ($"g{i}", 150.0 - i)).ToArray();
        var e = Evaluate(200, ["g1", "g3", "g120", "g199"], ranking);

        e.PrecisionAt1.Should().Be(0);
        e.PrecisionAt10.Should().Be(0.2);
        e.RecallAt100.Should().Be(0.5);
        e.FoundCount.Should().Be(3);
        e.MissedRelevant.Should().Equal(P("g199"));
        Evaluate(10, ["g0"], ("g0", 1)).PrecisionAt10.Should().Be(0.1);
    }

    [Fact]
    public void The_summary_averages_over_queries_and_counts_queries_with_nothing_found()
    {
        var dataset = Dataset(10, ("a", ["g0"]), ("b", ["g1", "g2"]));
        var evaluator = new RetrievalEvaluator(dataset);
        var a = evaluator.Evaluate(dataset.Queries[0], RankedResult.FromOrder([P("g0")]));
        var b = evaluator.Evaluate(dataset.Queries[1], RankedResult.FromOrder([P("g5")]));

        var summary = RetrievalMetrics.Summarize([a, b]);

        summary.Queries.Should().Be(2);
        summary.MeanAveragePrecision.Should().BeApproximately((1.0 + 0.2) / 2, 1e-12);
        summary.PrecisionAt1.Should().Be(0.5);
        summary.QueriesWithNoRelevantFound.Should().Be(1);
        summary.InterpolatedPrecisionRecall.Should().HaveCount(101);
        summary.InterpolatedPrecisionRecall[0].Precision.Should().BeApproximately((1.0 + 0.2) / 2, 1e-12);
        summary.InterpolatedPrecisionRecall[^1].Should().Be(new PrecisionRecallPoint(1, (1.0 + 0.2) / 2));
    }

    [Fact]
    public void Results_out_of_score_order_or_outside_the_gallery_are_refused()
    {
        var dataset = Dataset(3, ("a", ["g0"]));
        var evaluator = new RetrievalEvaluator(dataset);

        var unsorted = () => evaluator.Evaluate(dataset.Queries[0], [new RankedResult(P("g1"), 1), new RankedResult(P("g0"), 2)]);
        var foreign = () => evaluator.Evaluate(dataset.Queries[0], [new RankedResult(P("elsewhere"), 1)]);
        var nan = () => evaluator.Evaluate(dataset.Queries[0], [new RankedResult(P("g0"), double.NaN)]);

        unsorted.Should().Throw<ArgumentException>().WithMessage("*sorted by descending score*");
        foreign.Should().Throw<ArgumentException>().WithMessage("*not in the 'test' gallery*");
        nan.Should().Throw<ArgumentException>().WithMessage("*NaN*");
    }

    [Fact]
    public void Latency_percentiles_interpolate_between_ranks_like_numpy()
    {
        var p = PerformanceSummary.From(100, TimeSpan.FromSeconds(50), [.. new[] { 4, 1, 3, 2 }.Select(ms => TimeSpan.FromMilliseconds(ms))]);

        p.ImagesPerSecond.Should().Be(2);
        p.QueryLatencyP50Milliseconds.Should().BeApproximately(2.5, 1e-9);
        p.QueryLatencyP95Milliseconds.Should().BeApproximately(3.85, 1e-9);
        PerformanceSummary.Percentile([], 50).Should().Be(0);
    }

    private static string P(string name) => Path.Combine(Root, name);

    private static QueryEvaluation Evaluate(int gallerySize, string[] relevant, params (string Image, double Score)[] ranking)
    {
        var dataset = Dataset(gallerySize, ("q", relevant));
        return new RetrievalEvaluator(dataset).Evaluate(dataset.Queries[0], ranking.Select(r => new RankedResult(P(r.Image), r.Score)));
    }

    private static BenchmarkDataset Dataset(int gallerySize, params (string Text, string[] Relevant)[] queries)
    {
        var gallery = Enumerable.Range(0, gallerySize).Select(i => P($"g{i}")).ToList();
        var dataset = new BenchmarkDataset("test", gallery, queries.Select(q => new BenchmarkQuery(q.Text, q.Relevant.Select(P).ToHashSet())).ToList());
        dataset.Validate();
        return dataset;
    }
}
