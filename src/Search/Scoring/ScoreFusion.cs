using Retrieval.Models.Geometry;
using Retrieval.Search.Vectors;

namespace Retrieval.Search.Scoring;

/// <summary>
/// What each channel said about one result. <see cref="Text"/> is the lattice score (null when the text channel did
/// not score the image), <see cref="Clip"/> the calibrated CLIP score and <see cref="ClipSimilarity"/> the raw cosine
/// (null when the image has no embedding), ranks are 1-based within each channel (null outside its candidates), and
/// <see cref="ClipRegion"/> is the text region whose embedding matched best (null when the whole image did).
/// <see cref="ByText"/> and <see cref="ByClip"/> say which channel made the image a result: its score in that channel
/// reached the search's minimum score (for CLIP, among the channel's top candidates).
/// </summary>
public sealed record ChannelScores(double? Text, int? TextRank, double? Clip, double? ClipSimilarity, int? ClipRank, Quad? ClipRegion)
{
    public bool ByText { get; init; }

    public bool ByClip { get; init; }
}

/// <summary>One fused result: the image, its fused score and the channel scores (a null text score: only CLIP found it).</summary>
public sealed record FusedImage(long ImageId, double Score, ChannelScores Channels);

/// <summary>
/// Combines the lattice scores of the text channel's candidates with a CLIP scan (see <see cref="FusionOptions"/>).
/// An image is a result when either channel scores it at least the minimum score (the CLIP channel only for its top
/// candidates); the fused score orders them. Pure arithmetic on the two channels' outputs; thread-safe.
/// </summary>
public static class ScoreFusion
{
    /// <summary>The fused results, best first (ties by image id).</summary>
    /// <param name="text">Every image the text channel scored above zero, with its calibrated score.</param>
    /// <param name="scan">The CLIP channel's scan for the same query.</param>
    /// <param name="options">How to fuse (not <see cref="FusionMethod.Off"/>).</param>
    /// <param name="minScore">The search's minimum score per channel.</param>
    /// <param name="needed">Results the caller pages through (offset + top): the CLIP channel proposes at least this many.</param>
    public static IReadOnlyList<FusedImage> Fuse(IReadOnlyList<(long ImageId, double Score)> text, ClipScan scan, FusionOptions options, double minScore, int needed)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Method == FusionMethod.Off)
        {
            throw new ArgumentException("Fusion is off: rank by the text channel alone.", nameof(options));
        }

        var textRanks = text
            .Where(t => t.Score > 0)
            .OrderByDescending(t => t.Score).ThenBy(t => t.ImageId)
            .Select((t, i) => (t.ImageId, Rank: i + 1))
            .ToDictionary(t => t.ImageId, t => t.Rank);
        var clipTop = scan.Top(Math.Max(options.ClipCandidates, needed));
        var clipRanks = clipTop.Select((h, i) => (h.ImageId, Rank: i + 1)).ToDictionary(h => h.ImageId, h => h.Rank);

        var results = new List<FusedImage>();
        var byImage = text.ToDictionary(t => t.ImageId, t => t.Score);
        foreach (var imageId in byImage.Keys.Concat(clipRanks.Keys).Distinct())
        {
            double? textScore = byImage.TryGetValue(imageId, out var score) ? score : null;
            var channels = Channels(imageId, textScore, textRanks, clipRanks, scan, options);
            channels = channels with
            {
                // A channel with no weight cannot make an image a result: weight 0 is the text ranking, weight 1 the CLIP one.
                ByText = options.ClipWeight < 1 && channels.Text is { } t && t > 0 && t >= minScore,
                ByClip = options.ClipWeight > 0 && channels.ClipRank is not null && channels.Clip is { } c && c > 0 && c >= minScore,
            };
            if (!channels.ByText && !channels.ByClip)
            {
                continue;
            }

            results.Add(new FusedImage(imageId, Score(channels, options), channels));
        }

        results.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.ImageId.CompareTo(b.ImageId));
        return results;
    }

    /// <summary>A similarity's calibrated score: the logistic of its z-score among all images for this query.</summary>
    public static double Calibrate(double similarity, ClipScan scan, FusionOptions options)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(options);
        if (scan.StandardDeviation <= 1e-9)
        {
            return 0;
        }

        var z = (similarity - scan.Mean) / scan.StandardDeviation;
        return 1 / (1 + Math.Exp(-(z - options.CalibrationCenter) / options.CalibrationScale));
    }

    private static ChannelScores Channels(
        long imageId, double? textScore, Dictionary<long, int> textRanks, Dictionary<long, int> clipRanks, ClipScan scan, FusionOptions options)
    {
        double? clip = null, similarity = null;
        Quad? region = null;
        if (scan.TryGet(imageId, out var hit))
        {
            similarity = hit.Similarity;
            clip = Calibrate(hit.Similarity, scan, options);
            region = scan.Index.Region(hit.Row);
        }

        return new ChannelScores(
            textScore,
            textRanks.TryGetValue(imageId, out var textRank) ? textRank : null,
            clip,
            similarity,
            clipRanks.TryGetValue(imageId, out var clipRank) ? clipRank : null,
            region);
    }

    private static double Score(ChannelScores channels, FusionOptions options)
    {
        var w = options.ClipWeight;
        if (options.Method == FusionMethod.Weighted)
        {
            return ((1 - w) * (channels.Text ?? 0)) + (w * (channels.Clip ?? 0));
        }

        // Reciprocal rank fusion, scaled by k + 1 so that first in both channels scores 1.
        double k = options.RrfK;
        var text = channels.TextRank is { } tr ? (1 - w) / (k + tr) : 0;
        var clip = channels.ClipRank is { } cr ? w / (k + cr) : 0;
        return (text + clip) * (k + 1);
    }
}
