namespace Retrieval.Search.Evaluation.Metrics;

/// <summary>
/// Average precision exactly as scikit-learn's <c>average_precision_score(y_true, y_score)</c> computes
/// it over the whole gallery, the protocol of the scene-text retrieval papers (Mishra 2013, Gómez 2018,
/// TDSL 2021, MSTAR 2025), where <c>y_score</c> is the searcher's score for returned images and every
/// gallery image not returned gets one common score below all of them.
/// <para>
/// Definition: walk the distinct scores from highest to lowest; each score is one threshold step that
/// takes in its whole block of tied images at once. A step that adds r relevant images contributes
/// (r / R) times the precision after the step (relevant so far / images so far), where R is the number
/// of relevant images. AP is the sum. The images never returned form the last block, so a relevant
/// image that was not returned contributes (1 / R) * (R / N) = 1 / N, N being the gallery size: the
/// precision of ranking it anywhere among the unreturned images in expectation, not zero.
/// </para>
/// </summary>
public static class AveragePrecision
{
    /// <param name="ranking">De-duplicated results, sorted by non-increasing score.</param>
    /// <param name="isRelevant">Whether a result is relevant.</param>
    /// <param name="relevantCount">R: relevant images in the gallery, returned or not (at least 1).</param>
    /// <param name="gallerySize">N: images in the gallery (at least the ranking's length).</param>
    /// <returns>AP and the precision-recall point after each threshold step (the last one at recall 1).</returns>
    public static (double AveragePrecision, IReadOnlyList<PrecisionRecallPoint> Curve) Compute(
        IReadOnlyList<RankedResult> ranking,
        Func<RankedResult, bool> isRelevant,
        int relevantCount,
        int gallerySize)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(isRelevant);
        ArgumentOutOfRangeException.ThrowIfLessThan(relevantCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gallerySize, Math.Max(ranking.Count, relevantCount));
        var curve = new List<PrecisionRecallPoint>();
        double ap = 0;
        var truePositives = 0;
        var seen = 0;
        var i = 0;
        while (i < ranking.Count)
        {
            var score = ranking[i].Score;
            var blockRelevant = 0;
            while (i < ranking.Count && ranking[i].Score == score)
            {
                blockRelevant += isRelevant(ranking[i]) ? 1 : 0;
                seen++;
                i++;
            }

            truePositives += blockRelevant;
            Step(blockRelevant);
        }

        var missed = relevantCount - truePositives;
        if (truePositives > relevantCount)
        {
            throw new ArgumentException($"The ranking holds {truePositives} relevant images but relevantCount is {relevantCount}.", nameof(relevantCount));
        }

        if (missed > 0)
        {
            truePositives = relevantCount;
            seen = gallerySize;
            Step(missed);
        }

        return (ap, curve);

        void Step(int added)
        {
            if (added > 0)
            {
                var precision = (double)truePositives / seen;
                ap += (double)added / relevantCount * precision;
                curve.Add(new PrecisionRecallPoint((double)truePositives / relevantCount, precision));
            }
        }
    }

    /// <summary>
    /// Interpolated precision at each of <paramref name="levels"/> + 1 evenly spaced recall values
    /// 0..1: the highest precision at that recall or beyond (the PASCAL VOC convention).
    /// </summary>
    public static double[] Interpolate(IReadOnlyList<PrecisionRecallPoint> curve, int levels)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        var result = new double[levels + 1];
        for (var l = 0; l <= levels; l++)
        {
            var recall = (double)l / levels;
            double best = 0;
            foreach (var point in curve)
            {
                if (point.Recall >= recall - 1e-12 && point.Precision > best)
                {
                    best = point.Precision;
                }
            }

            result[l] = best;
        }

        return result;
    }
}
