using Retrieval.Models.Geometry;
using Retrieval.Search.Evaluation.Detection;

namespace Retrieval.Search.Tests.Evaluation.Detection;

public sealed class DetectionEvaluatorTests
{
    private readonly DetectionEvaluator evaluator = new();

    [Fact]
    public void An_exact_detection_of_every_word_scores_one()
    {
        var gt = new[] { Word(0, 0, 40, 10), Word(50, 0, 90, 10) };
        var result = evaluator.Evaluate(gt, [Box(50, 0, 90, 10), Box(0, 0, 40, 10)]);

        result.Counts.Should().Be(new DetectionCounts(2, 2, 2, 2, 2));
        result.Counts.Hmean.Should().Be(1);
        result.Matches.Should().Equal(new DetectionMatch(0, 1, 1), new DetectionMatch(1, 0, 1));
    }

    [Fact]
    public void A_detection_mostly_inside_a_dont_care_word_is_not_counted()
    {
        // 60% of the detection lies in the ### word: it is dropped, so precision is not hurt.
        var gt = new[] { Word(0, 0, 40, 10), Word(100, 0, 160, 10, dontCare: true) };
        var result = evaluator.Evaluate(gt, [Box(0, 0, 40, 10), Box(136, 0, 176, 10)]);

        result.IgnoredDetections.Should().Equal(1);
        result.Counts.Should().Be(new DetectionCounts(1, 1, 1, 1, 1));
        result.Counts.Precision.Should().Be(1);
    }

    [Fact]
    public void A_detection_only_half_inside_a_dont_care_word_still_counts()
    {
        // Exactly 50% is not "more than half".
        var gt = new[] { Word(100, 0, 160, 10, dontCare: true) };
        var result = evaluator.Evaluate(gt, [Box(140, 0, 180, 10)]);

        result.IgnoredDetections.Should().BeEmpty();
        result.Counts.Should().Be(new DetectionCounts(0, 1, 0, 0, 0));
    }

    [Fact]
    public void Dont_care_words_are_never_matched_or_counted_as_missed()
    {
        var gt = new[] { Word(0, 0, 40, 10, dontCare: true) };
        var result = evaluator.Evaluate(gt, [Box(0, 0, 40, 10)]);
        result.Counts.Should().Be(new DetectionCounts(0, 0, 0, 0, 0));
        result.Matches.Should().BeEmpty();
    }

    [Fact]
    public void Matching_is_one_to_one()
    {
        // Two detections of one word: one matches, the other is a false positive.
        var duplicate = evaluator.Evaluate([Word(0, 0, 40, 10)], [Box(0, 0, 40, 10), Box(1, 0, 41, 10)]);
        duplicate.Counts.Matched.Should().Be(1);
        duplicate.Counts.Precision.Should().Be(0.5);
        duplicate.Counts.Recall.Should().Be(1);

        // One detection fits two overlapping words with IoU above one half: only the first gets it.
        var shared = evaluator.Evaluate([Word(0, 0, 40, 10), Word(2, 0, 42, 10)], [Box(1, 0, 41, 10)]);
        shared.Matches.Should().Equal(new DetectionMatch(0, 0, shared.Matches[0].Iou));
        shared.Counts.Recall.Should().Be(0.5);
    }

    [Fact]
    public void An_iou_of_exactly_one_half_does_not_match()
    {
        // GT 0..30, detection 10..30 inside it: IoU 200 / 300 matches; GT 0..40, detection 0..20: IoU 200 / 400 = 0.5 does not.
        evaluator.Evaluate([Word(0, 0, 30, 10)], [Box(10, 0, 30, 10)]).Counts.Matched.Should().Be(1);
        evaluator.Evaluate([Word(0, 0, 40, 10)], [Box(0, 0, 20, 10)]).Counts.Matched.Should().Be(0);
    }

    [Fact]
    public void A_line_box_over_two_words_matches_neither_but_covers_both()
    {
        var gt = new[] { Word(0, 0, 40, 10), Word(50, 0, 90, 10) };
        var result = evaluator.Evaluate(gt, [Box(0, 0, 90, 10)]);

        result.Counts.Matched.Should().Be(0);
        result.Counts.CoverageRecall.Should().Be(1);
        result.Counts.CoveragePrecision.Should().Be(1);
    }

    [Fact]
    public void A_box_much_thicker_than_a_word_does_not_cover_it()
    {
        var result = evaluator.Evaluate([Word(0, 0, 40, 10)], [Box(0, -20, 90, 30)]);
        result.Counts.CoveredGroundTruth.Should().Be(0);
        result.Counts.UsefulDetections.Should().Be(0);
    }

    [Fact]
    public void Counts_add_up_over_images_and_give_global_precision_recall_and_hmean()
    {
        var total = new DetectionCounts(10, 8, 6) + new DetectionCounts(10, 12, 6);
        total.Should().Be(new DetectionCounts(20, 20, 12));
        total.Precision.Should().Be(0.6);
        total.Recall.Should().Be(0.6);
        total.Hmean.Should().BeApproximately(0.6, 1e-12);
        default(DetectionCounts).Hmean.Should().Be(0);
    }

    private static Quad Box(float x0, float y0, float x1, float y1) =>
        new(new PointF(x0, y0), new PointF(x1, y0), new PointF(x1, y1), new PointF(x0, y1));

    private static GroundTruthWord Word(float x0, float y0, float x1, float y1, bool dontCare = false) =>
        new(Box(x0, y0, x1, y1), dontCare ? IcdarGroundTruth.DontCareMarker : "word", dontCare);
}
