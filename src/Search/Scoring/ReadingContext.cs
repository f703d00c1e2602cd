namespace Retrieval.Search.Scoring;

/// <summary>How a line's best reading holds a term; the higher, the more the reading says "this is the term".</summary>
public enum ReadingContext
{
    /// <summary>The reading does not show the term as written (a misread character): the lattice alone decides.</summary>
    Absent = 0,

    /// <summary>Inside a known word in a longer token ("our" in "your", "one" in "phone", "ion" in "ramenchampion"): most likely that other word.</summary>
    InsideWord = 1,

    /// <summary>Inside a longer token that is neither a known word nor known words glued together ("re16" in "re16tgk").</summary>
    Fragment = 2,

    /// <summary>Glued to known words, digits or one stray character where the recognizer dropped a space ("our" in "fromour", "off" in "50%off").</summary>
    Glued = 3,

    /// <summary>A token of its own, between boundaries or line ends.</summary>
    Word = 4,
}

/// <summary>
/// Finds the <see cref="ReadingContext"/> of a term in a folded reading: for each occurrence of the
/// term, the token around it (up to the nearest boundary symbols) is the term itself, a known word,
/// a token with a known word that holds the term and more, known words, digits and punctuation
/// glued to the term (with at most one stray character at one outer end, the recognizer's usual
/// noise), or an unknown fragment; the best occurrence counts.
/// Allocation-free; thread-safe.
/// </summary>
internal static class ReadingContexts
{
    // Tokens longer than this are not segmented (the work is quadratic in the token's length).
    private const int MaxSegmentedLength = 48;

    public static ReadingContext Classify(ReadOnlySpan<char> reading, ReadOnlySpan<char> term, BoundarySymbols boundaries, WordLexicon lexicon)
    {
        if (term.IsEmpty)
        {
            return ReadingContext.Absent;
        }

        var best = ReadingContext.Absent;
        var from = 0;
        while (best != ReadingContext.Word && from <= reading.Length - term.Length)
        {
            var found = reading[from..].IndexOf(term, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            var start = from + found;
            var end = start + term.Length;
            from = start + 1;
            var tokenStart = start;
            while (tokenStart > 0 && !boundaries.Contains(reading[tokenStart - 1]))
            {
                tokenStart--;
            }

            var tokenEnd = end;
            while (tokenEnd < reading.Length && !boundaries.Contains(reading[tokenEnd]))
            {
                tokenEnd++;
            }

            var context = ContextOf(reading[tokenStart..tokenEnd], start - tokenStart, term.Length, lexicon);
            best = context > best ? context : best;
        }

        return best;
    }

    private static ReadingContext ContextOf(ReadOnlySpan<char> token, int at, int length, WordLexicon lexicon)
    {
        if (token.Length == length)
        {
            return ReadingContext.Word;
        }

        if (token.Length > MaxSegmentedLength)
        {
            return ReadingContext.Fragment;
        }

        if (InsideKnownWord(token, at, length, lexicon))
        {
            return ReadingContext.InsideWord;
        }

        var before = token[..at];
        var after = token[(at + length)..];
        return (Segments(before, lexicon) && Segments(after, lexicon))
            || (before.Length > 0 && Segments(before[1..], lexicon) && Segments(after, lexicon))
            || (after.Length > 0 && Segments(before, lexicon) && Segments(after[..^1], lexicon))
            ? ReadingContext.Glued
            : ReadingContext.Fragment;
    }

    /// <summary>Whether a known word inside the token holds the occurrence and more ("ion" in "champion" of "ramenchampion").</summary>
    private static bool InsideKnownWord(ReadOnlySpan<char> token, int at, int length, WordLexicon lexicon)
    {
        for (var start = at; start >= 0; start--)
        {
            for (var end = at + length; end <= token.Length; end++)
            {
                if (end - start > length && lexicon.Contains(token[start..end]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="piece"/> splits into known words of two or more letters and runs of
    /// non-letters. (One stray character at the token's outer end is allowed by the caller.)
    /// </summary>
    private static bool Segments(ReadOnlySpan<char> piece, WordLexicon lexicon)
    {
        if (piece.IsEmpty)
        {
            return true;
        }

        Span<bool> reachable = stackalloc bool[piece.Length + 1];
        reachable[0] = true;
        for (var i = 0; i < piece.Length; i++)
        {
            if (!reachable[i])
            {
                continue;
            }

            if (!char.IsLetter(piece[i]))
            {
                var j = i;
                while (j < piece.Length && !char.IsLetter(piece[j]))
                {
                    j++;
                }

                reachable[j] = true;
                continue;
            }

            for (var j = i + 2; j <= piece.Length; j++)
            {
                if (!reachable[j] && lexicon.Contains(piece[i..j]))
                {
                    reachable[j] = true;
                }
            }
        }

        return reachable[piece.Length];
    }
}
