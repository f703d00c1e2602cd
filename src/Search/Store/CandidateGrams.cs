using System.Globalization;
using System.Text;

namespace Retrieval.Search.Store;

/// <summary>
/// The n-grams of the candidate text index, shared by what is written and what is asked so the two
/// always agree. A line's readings (best reading plus lattice alternatives) are indexed twice:
/// whole, for SQLite's trigram tokenizer; and as their distinct 1- and 2-character grams, each
/// encoded as one ASCII token ("x4e2d" for 中, "x6fx66" for "of") because the trigram tokenizer
/// cannot match fewer than 3 characters. Grams holding whitespace are not kept as short grams.
/// Lengths count Unicode code points, as the trigram tokenizer does.
/// </summary>
internal static class CandidateGrams
{
    /// <summary>Joins readings in the trigram document; no folded query term contains it.</summary>
    public const char ReadingSeparator = '\n';

    /// <summary>Terms at most this long must occur exactly (as a 1- or 2-gram token).</summary>
    public const int MaxExactLength = 2;

    /// <summary>Terms at most this long also count their bigrams, since they have too few trigrams to survive a misread.</summary>
    public const int MaxBigramLength = 4;

    /// <summary>The distinct readings of a line: its text first, then alternatives not equal to it.</summary>
    public static IReadOnlyList<string> Readings(string text, IReadOnlyList<string> alternatives)
    {
        var readings = new List<string>(alternatives.Count + 1) { text };
        foreach (var alternative in alternatives)
        {
            if (!readings.Contains(alternative, StringComparer.Ordinal))
            {
                readings.Add(alternative);
            }
        }

        return readings;
    }

    /// <summary>The document for the trigram table.</summary>
    public static string TrigramDocument(IReadOnlyList<string> readings) => string.Join(ReadingSeparator, readings);

    /// <summary>The document for the short-gram table: distinct 1- and 2-gram tokens, space separated.</summary>
    public static string ShortGramDocument(IReadOnlyList<string> readings)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        var builder = new StringBuilder();
        foreach (var reading in readings)
        {
            var points = CodePoints(reading);
            for (var i = 0; i < points.Length; i++)
            {
                for (var n = 1; n <= MaxExactLength && i + n <= points.Length; n++)
                {
                    var gram = points.AsSpan(i, n);
                    if (!HasWhiteSpace(gram) && tokens.Add(Token(gram)))
                    {
                        if (builder.Length > 0)
                        {
                            builder.Append(' ');
                        }

                        Append(builder, gram);
                    }
                }
            }
        }

        return builder.ToString();
    }

    /// <summary>What to look up for a folded query term.</summary>
    public static GramQuery ForTerm(string term)
    {
        var points = CodePoints(term);
        if (points.Length == 0)
        {
            return GramQuery.None;
        }

        if (points.Length <= MaxExactLength)
        {
            return HasWhiteSpace(points) ? GramQuery.None : new GramQuery([], [Token(points)], Exact: true);
        }

        var trigrams = new List<string>();
        for (var i = 0; i + 3 <= points.Length; i++)
        {
            var gram = Text(points.AsSpan(i, 3));
            if (!trigrams.Contains(gram, StringComparer.Ordinal))
            {
                trigrams.Add(gram);
            }
        }

        var shortTokens = new List<string>();
        if (points.Length <= MaxBigramLength)
        {
            for (var i = 0; i + 2 <= points.Length; i++)
            {
                var gram = points.AsSpan(i, 2);
                var token = Token(gram);
                if (!HasWhiteSpace(gram) && !shortTokens.Contains(token, StringComparer.Ordinal))
                {
                    shortTokens.Add(token);
                }
            }
        }

        return new GramQuery(trigrams, shortTokens, Exact: false);
    }

    /// <summary>The short-gram tokens of the bigrams inside <paramref name="text"/> (a trigram of a query), without whitespace ones.</summary>
    public static IReadOnlyList<string> Bigrams(string text)
    {
        var points = CodePoints(text);
        var tokens = new List<string>();
        for (var i = 0; i + 2 <= points.Length; i++)
        {
            if (!HasWhiteSpace(points.AsSpan(i, 2)))
            {
                tokens.Add(Token(points.AsSpan(i, 2)));
            }
        }

        return tokens;
    }

    /// <summary>An FTS5 string literal: one phrase, quotes doubled.</summary>
    public static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Token(ReadOnlySpan<int> codePoints)
    {
        var builder = new StringBuilder(codePoints.Length * 6);
        Append(builder, codePoints);
        return builder.ToString();
    }

    private static string Text(ReadOnlySpan<int> codePoints)
    {
        var builder = new StringBuilder(codePoints.Length * 2);
        foreach (var point in codePoints)
        {
            builder.Append(new Rune(point).ToString());
        }

        return builder.ToString();
    }

    private static void Append(StringBuilder builder, ReadOnlySpan<int> codePoints)
    {
        foreach (var point in codePoints)
        {
            builder.Append('x').Append(point.ToString("x", CultureInfo.InvariantCulture));
        }
    }

    private static int[] CodePoints(string text)
    {
        var points = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            points.Add(rune.Value);
        }

        return [.. points];
    }

    private static bool HasWhiteSpace(ReadOnlySpan<int> codePoints)
    {
        foreach (var point in codePoints)
        {
            if (Rune.IsWhiteSpace(new Rune(point)))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// The grams of one query term: trigram phrases for the trigram table and tokens for the short-gram
/// table. <see cref="Exact"/>: the single short token must match (terms of 1 or 2 characters).
/// </summary>
internal sealed record GramQuery(IReadOnlyList<string> Trigrams, IReadOnlyList<string> ShortTokens, bool Exact)
{
    public static GramQuery None { get; } = new([], [], Exact: false);

    public int Count => Trigrams.Count + ShortTokens.Count;
}
