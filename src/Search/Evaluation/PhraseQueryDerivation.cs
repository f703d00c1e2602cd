namespace Retrieval.Search.Evaluation;

/// <summary>
/// When two ground-truth words form a phrase query (the ICDAR2015 phrase variant). Geometry uses each
/// word's axis-aligned bounding box; "height" below is the smaller of the two boxes' heights.
/// </summary>
/// <param name="Normalization">How each word is normalized; words that normalize to nothing (a lone "&amp;") are left out before adjacency is decided.</param>
/// <param name="MinimumVerticalOverlap">Same text line: the boxes overlap vertically by at least this fraction of the height.</param>
/// <param name="MaximumGap">Adjacent: the horizontal gap from the first word's right edge to the second's left edge is under this many heights (negative gaps, overlapping boxes, count as adjacent).</param>
/// <param name="MinimumImages">A phrase is kept when it occurs in at least this many images.</param>
/// <remarks>
/// Short words (two characters or fewer) may be part of a phrase: a phrase is specific even when a
/// word alone is not. On ICDAR2015 train this choice does not change the count (103 phrases either
/// way: no phrase with a short word occurs in two images).
/// </remarks>
public sealed record PhraseQueryRule(
    WordNormalization Normalization = WordNormalization.Mstar,
    double MinimumVerticalOverlap = 0.5,
    double MaximumGap = 1.5,
    int MinimumImages = 2)
{
    public void Validate()
    {
        if (MinimumVerticalOverlap is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumVerticalOverlap), MinimumVerticalOverlap, "The vertical overlap must be a fraction in (0, 1].");
        }

        if (MaximumGap <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaximumGap), MaximumGap, "The maximum gap must be positive.");
        }

        if (MinimumImages < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumImages), MinimumImages, "A phrase must occur in at least one image.");
        }
    }
}

/// <summary>
/// Derives two-word phrase queries: every legible word is followed in reading order by its nearest
/// neighbour to the right on the same line (the candidate with the smallest left edge among words
/// whose centre lies to the right, that overlap it vertically enough and are close enough). Each
/// such pair "first second" is a phrase; an image is relevant to the phrase when it holds the pair.
/// Order: most images first, then ordinal text order.
/// </summary>
public static class PhraseQueryDerivation
{
    public static IReadOnlyList<DerivedQuery> Derive(IReadOnlyList<AnnotatedImage> images, PhraseQueryRule rule)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(rule);
        rule.Validate();
        var byPhrase = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            foreach (var phrase in PhrasesOf(image, rule))
            {
                if (!byPhrase.TryGetValue(phrase, out var set))
                {
                    set = new HashSet<string>(StringComparer.Ordinal);
                    byPhrase[phrase] = set;
                }

                set.Add(image.ImageName);
            }
        }

        return byPhrase
            .Where(kv => kv.Value.Count >= rule.MinimumImages)
            .OrderByDescending(kv => kv.Value.Count)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new DerivedQuery(kv.Key, BenchmarkQueryKind.Phrase, kv.Value))
            .ToList();
    }

    /// <summary>The adjacent pairs of one image, in the order of their first words.</summary>
    public static IEnumerable<string> PhrasesOf(AnnotatedImage image, PhraseQueryRule rule)
    {
        var words = image.Words
            .Where(w => !w.IsIllegible && w.Polygon.Count > 0)
            .Select(w => new Box(WordNormalizer.Normalize(w.Text, rule.Normalization), w.MinX, w.MaxX, w.MinY, w.MaxY))
            .Where(b => !string.IsNullOrWhiteSpace(b.Text))
            .ToList();
        for (var i = 0; i < words.Count; i++)
        {
            var a = words[i];
            Box? next = null;
            for (var j = 0; j < words.Count; j++)
            {
                if (j != i && Follows(a, words[j], rule) && (next is null || words[j].MinX < next.MinX))
                {
                    next = words[j];
                }
            }

            if (next is not null)
            {
                yield return a.Text + " " + next.Text;
            }
        }
    }

    private static bool Follows(Box a, Box b, PhraseQueryRule rule)
    {
        var height = Math.Min(a.MaxY - a.MinY, b.MaxY - b.MinY);
        if (height <= 0 || b.CenterX <= a.CenterX)
        {
            return false;
        }

        var overlap = Math.Min(a.MaxY, b.MaxY) - Math.Max(a.MinY, b.MinY);
        var gap = b.MinX - a.MaxX;
        return overlap >= rule.MinimumVerticalOverlap * height && gap < rule.MaximumGap * height;
    }

    private sealed record Box(string Text, float MinX, float MaxX, float MinY, float MaxY)
    {
        public float CenterX => (MinX + MaxX) / 2f;
    }
}
