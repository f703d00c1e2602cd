namespace Retrieval.Search.Evaluation;

/// <summary>Which ground-truth words become queries.</summary>
/// <param name="Normalization">How a transcription becomes a query word.</param>
/// <param name="MinimumLength">Words shorter than this (code points, after normalization) are dropped.</param>
/// <param name="Limit">Keep only this many words, those found in the most images (ties alphabetical); null keeps all.</param>
public sealed record WordQueryRule(WordNormalization Normalization, int MinimumLength, int? Limit)
{
    /// <summary>MSTAR/TDSL: normalized, words of 2 characters or fewer dropped, the <paramref name="limit"/> most frequent kept (100 for ICDAR2015, 60 for Total-Text).</summary>
    public static WordQueryRule Mstar(int? limit) => new(WordNormalization.Mstar, 3, limit);

    /// <summary>SVT: every unique lower-cased tag.</summary>
    public static WordQueryRule SvtLowerCase { get; } = new(WordNormalization.LowerCase, 1, null);

    public void Validate()
    {
        if (MinimumLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumLength), MinimumLength, "The minimum word length must be at least 1.");
        }

        if (Limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Limit), Limit, "The query limit must be at least 1 (or null for all words).");
        }
    }
}

/// <summary>
/// Turns annotated images into word queries: a word's relevant images are those holding at least one
/// legible ground-truth word that normalizes to it. Order: most images first, then ordinal text order,
/// which is also the tie-break that decides the last places of a limited list.
/// </summary>
public static class WordQueryDerivation
{
    public static IReadOnlyList<DerivedQuery> Derive(IReadOnlyList<AnnotatedImage> images, WordQueryRule rule)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(rule);
        rule.Validate();
        var byWord = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            foreach (var word in image.Words)
            {
                if (word.IsIllegible)
                {
                    continue;
                }

                var text = WordNormalizer.Normalize(word.Text, rule.Normalization);
                if (string.IsNullOrWhiteSpace(text) || WordNormalizer.CodePointLength(text) < rule.MinimumLength)
                {
                    continue;
                }

                if (!byWord.TryGetValue(text, out var set))
                {
                    set = new HashSet<string>(StringComparer.Ordinal);
                    byWord[text] = set;
                }

                set.Add(image.ImageName);
            }
        }

        var ordered = byWord
            .OrderByDescending(kv => kv.Value.Count)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new DerivedQuery(kv.Key, BenchmarkQueryKind.Word, kv.Value));
        return (rule.Limit is { } limit ? ordered.Take(limit) : ordered).ToList();
    }
}
