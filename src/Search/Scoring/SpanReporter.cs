using Retrieval.Models.Geometry;

namespace Retrieval.Search.Scoring;

/// <summary>Turns a scored line into a <see cref="SpanMatch"/>: locates the match and cuts its box.</summary>
internal sealed class SpanReporter
{
    // A recognized word box replaces the sliced box when they overlap this much along the line.
    private const double WordOverlap = 0.5;

    private readonly LatticeSpotter spotter;

    public SpanReporter(LatticeSpotter spotter) => this.spotter = spotter;

    public SpotSpan? Locate(CandidateLine line, SpotPattern pattern, TermScore score) =>
        score.SubstringProbability > 0 ? spotter.Locate(pattern, line.Lattice, score.Kind) : null;

    public SpanMatch? Report(CandidateLine line, SpotPattern pattern, TermScore score, SpotSpan? span = null)
    {
        span ??= Locate(line, pattern, score);
        if (span is null)
        {
            return null;
        }

        var box = span.BoxIn(line.Quad);
        if (score.Kind == MatchKind.WholeWord && line.Words is { Count: > 0 } words)
        {
            box = SnapToWord(line.Quad, words, span.From, span.To) ?? box;
        }

        return new SpanMatch(line.LineId, pattern.Text, span.Text, box, span.StartStep, span.EndStep, span.Steps, score.Score, score.Kind);
    }

    /// <summary>The recognized word whose extent along the line best overlaps [from, to], if it overlaps enough.</summary>
    private static Quad? SnapToWord(Quad line, IReadOnlyList<CandidateWord> words, float from, float to)
    {
        var origin = PointF.Lerp(line.TopLeft, line.BottomLeft, 0.5f);
        var axis = PointF.Lerp(line.TopRight, line.BottomRight, 0.5f) - origin;
        var length2 = (axis.X * axis.X) + (axis.Y * axis.Y);
        if (length2 <= 0)
        {
            return null;
        }

        Quad? best = null;
        var bestOverlap = WordOverlap;
        foreach (var word in words)
        {
            float lo = float.MaxValue, hi = float.MinValue;
            for (var i = 0; i < 4; i++)
            {
                var d = word.Quad[i] - origin;
                var f = ((d.X * axis.X) + (d.Y * axis.Y)) / length2;
                lo = MathF.Min(lo, f);
                hi = MathF.Max(hi, f);
            }

            var intersection = MathF.Min(hi, to) - MathF.Max(lo, from);
            var union = MathF.Max(hi, to) - MathF.Min(lo, from);
            var overlap = union > 0 ? intersection / union : 0;
            if (overlap >= bestOverlap)
            {
                bestOverlap = overlap;
                best = word.Quad;
            }
        }

        return best;
    }
}
