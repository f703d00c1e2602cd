using System.Collections.Frozen;

namespace Retrieval.Search.Query;

/// <summary>Limits and word lists for <see cref="QueryParser"/>.</summary>
public sealed record QueryParserOptions
{
    /// <summary>
    /// English function words: they carry little evidence that an image is the one wanted, so
    /// they weigh less when a query is scored. Compared after folding.
    /// </summary>
    public static IReadOnlySet<string> EnglishFunctionWords { get; } = new[]
    {
        "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "for", "with",
        "by", "from", "into", "onto", "upon", "over", "under", "as", "is", "are", "was", "were",
        "be", "been", "am", "it", "its", "this", "that", "these", "those", "than", "then", "so",
        "if", "not", "no", "do", "does", "did", "has", "have", "had", "will", "would", "can",
        "could", "shall", "should", "may", "might", "must", "i", "you", "he", "she", "we",
        "they", "me", "him", "her", "us", "them", "my", "your", "his", "our", "their", "&",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Declared after the word list: static initializers run in order.
    public static QueryParserOptions Default { get; } = new();

    /// <summary>Longest query accepted, in UTF-16 characters; longer ones are refused, not cut.</summary>
    public int MaxQueryLength { get; init; } = 1000;

    /// <summary>Most words in one query, counting the words of phrases.</summary>
    public int MaxTerms { get; init; } = 32;

    /// <summary>Longest word accepted, in code points (the spotter's cost grows with it).</summary>
    public int MaxTermLength { get; init; } = 48;

    /// <summary>Words marked <see cref="QueryTerm.IsFunctionWord"/>; folded before comparison.</summary>
    public IReadOnlySet<string> FunctionWords { get; init; } = EnglishFunctionWords;

    /// <summary>Throws one <see cref="ArgumentException"/> naming every invalid option.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (MaxQueryLength < 1)
        {
            errors.Add($"MaxQueryLength must be at least 1 (got {MaxQueryLength}).");
        }

        if (MaxTerms < 1)
        {
            errors.Add($"MaxTerms must be at least 1 (got {MaxTerms}).");
        }

        if (MaxTermLength is < 1 or > 100)
        {
            errors.Add($"MaxTermLength must be 1..100 code points (got {MaxTermLength}).");
        }

        if (FunctionWords is null)
        {
            errors.Add("FunctionWords must be a set (use an empty set for none).");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid query parser options: " + string.Join(" ", errors));
        }
    }
}
