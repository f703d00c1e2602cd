using Retrieval.Models.Geometry;

namespace Retrieval.Search.Evaluation.Detection;

/// <summary>Thresholds of the ICDAR2015 localisation protocol.</summary>
/// <param name="IouThreshold">A detection matches a ground-truth word when their IoU is above this.</param>
/// <param name="DontCareAreaThreshold">A detection is ignored when more than this fraction of its area lies in one don't-care word.</param>
/// <param name="CoverageThreshold">A word is covered by a detection holding at least this fraction of its area (coverage counts only).</param>
public sealed record DetectionEvaluationOptions(double IouThreshold = 0.5, double DontCareAreaThreshold = 0.5, double CoverageThreshold = 0.5)
{
    public void Validate()
    {
        if (!(IouThreshold is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(IouThreshold), IouThreshold, "IouThreshold must be in [0, 1).");
        }

        if (!(DontCareAreaThreshold is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(DontCareAreaThreshold), DontCareAreaThreshold, "DontCareAreaThreshold must be in [0, 1).");
        }

        if (!(CoverageThreshold is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(CoverageThreshold), CoverageThreshold, "CoverageThreshold must be in (0, 1].");
        }
    }
}

/// <summary>A ground-truth word and the detection matched to it (indices into the lists given to the evaluator).</summary>
public readonly record struct DetectionMatch(int GroundTruthIndex, int DetectionIndex, double Iou);

/// <summary>
/// Counts that add up over images; precision, recall and Hmean follow the official script's global
/// formulas. The coverage counts are a one-to-many companion for line detectors (PP-OCR boxes whole
/// lines while ICDAR2015 annotates words, so a correct line box of two words matches neither by
/// IoU): a care word is covered when one counted detection holds at least half of its area and is
/// at most twice as thick (short side) as the word, so boxes merging several lines do not count; a
/// counted detection is useful when it covers some word (don't-care words included).
/// </summary>
public readonly record struct DetectionCounts(int CareGroundTruth, int CareDetections, int Matched, int CoveredGroundTruth = 0, int UsefulDetections = 0)
{
    public double Recall => CareGroundTruth == 0 ? 0 : (double)Matched / CareGroundTruth;

    public double Precision => CareDetections == 0 ? 0 : (double)Matched / CareDetections;

    public double Hmean => Recall + Precision == 0 ? 0 : 2 * Recall * Precision / (Recall + Precision);

    public double CoverageRecall => CareGroundTruth == 0 ? 0 : (double)CoveredGroundTruth / CareGroundTruth;

    public double CoveragePrecision => CareDetections == 0 ? 0 : (double)UsefulDetections / CareDetections;

    public static DetectionCounts operator +(DetectionCounts a, DetectionCounts b) => new(
        a.CareGroundTruth + b.CareGroundTruth,
        a.CareDetections + b.CareDetections,
        a.Matched + b.Matched,
        a.CoveredGroundTruth + b.CoveredGroundTruth,
        a.UsefulDetections + b.UsefulDetections);

    public static DetectionCounts Add(DetectionCounts a, DetectionCounts b) => a + b;
}

/// <summary>
/// The outcome for one image. <see cref="Matches"/> pairs ground-truth and detection indices so a
/// caller can go on to score recognition of matched words (end-to-end accuracy).
/// </summary>
public sealed record ImageDetectionEvaluation(DetectionCounts Counts, IReadOnlyList<DetectionMatch> Matches, IReadOnlyList<int> IgnoredDetections);

/// <summary>
/// Word-level detection scoring in the ICDAR2015 Incidental Scene Text protocol (the official
/// rrc script, task 4.1): a detection covering more than half of its own area with one don't-care
/// word is dropped from the count; then ground-truth words and detections are matched one-to-one,
/// greedily in ground-truth order then detection order, when their IoU is above 0.5. Don't-care
/// words and dropped detections never match.
/// </summary>
public sealed class DetectionEvaluator
{
    public DetectionEvaluator(DetectionEvaluationOptions? options = null)
    {
        Options = options ?? new DetectionEvaluationOptions();
        Options.Validate();
    }

    public DetectionEvaluationOptions Options { get; }

    public ImageDetectionEvaluation Evaluate(IReadOnlyList<GroundTruthWord> groundTruth, IReadOnlyList<Quad> detections)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentNullException.ThrowIfNull(detections);
        var ignored = new List<int>();
        var detectionIgnored = new bool[detections.Count];
        for (var d = 0; d < detections.Count; d++)
        {
            var area = PolygonClipping.Area(detections[d]);
            foreach (var word in groundTruth)
            {
                if (word.IsDontCare && area > 0 && PolygonClipping.IntersectionArea(word.Quad, detections[d]) / area > Options.DontCareAreaThreshold)
                {
                    detectionIgnored[d] = true;
                    ignored.Add(d);
                    break;
                }
            }
        }

        var matches = new List<DetectionMatch>();
        var detectionMatched = new bool[detections.Count];
        for (var g = 0; g < groundTruth.Count; g++)
        {
            if (groundTruth[g].IsDontCare)
            {
                continue;
            }

            var box = groundTruth[g].Quad;
            for (var d = 0; d < detections.Count; d++)
            {
                if (detectionMatched[d] || detectionIgnored[d] || !Overlaps(box, detections[d]))
                {
                    continue;
                }

                var iou = PolygonClipping.IntersectionOverUnion(box, detections[d]);
                if (iou > Options.IouThreshold)
                {
                    detectionMatched[d] = true;
                    matches.Add(new DetectionMatch(g, d, iou));
                    break;
                }
            }
        }

        var (covered, useful) = Coverage(groundTruth, detections, detectionIgnored);
        var careGroundTruth = groundTruth.Count(w => !w.IsDontCare);
        var counts = new DetectionCounts(careGroundTruth, detections.Count - ignored.Count, matches.Count, covered, useful);
        return new ImageDetectionEvaluation(counts, matches, ignored);
    }

    private (int Covered, int Useful) Coverage(IReadOnlyList<GroundTruthWord> groundTruth, IReadOnlyList<Quad> detections, bool[] detectionIgnored)
    {
        var useful = new bool[detections.Count];
        var covered = 0;
        for (var g = 0; g < groundTruth.Count; g++)
        {
            var word = groundTruth[g];
            var area = PolygonClipping.Area(word.Quad);
            var thickness = Thickness(word.Quad);
            var isCovered = false;
            for (var d = 0; d < detections.Count && area > 0; d++)
            {
                if (!detectionIgnored[d] && Overlaps(word.Quad, detections[d]) && Thickness(detections[d]) <= 2 * thickness &&
                    PolygonClipping.IntersectionArea(word.Quad, detections[d]) / area >= Options.CoverageThreshold)
                {
                    useful[d] = true;
                    isCovered = true;
                }
            }

            if (isCovered && !word.IsDontCare)
            {
                covered++;
            }
        }

        return (covered, useful.Count(u => u));
    }

    private static float Thickness(Quad q) => MathF.Min(q.Width, q.Height);

    /// <summary>Bounding-box pre-check so most pairs skip polygon clipping.</summary>
    private static bool Overlaps(Quad a, Quad b) => a.MinX < b.MaxX && b.MinX < a.MaxX && a.MinY < b.MaxY && b.MinY < a.MaxY;
}
