using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text;
using Retrieval.Models.Text;

namespace Retrieval.Search.Query;

/// <summary>
/// Turns what a person typed into a <see cref="ParsedQuery"/>: words and "quoted phrases",
/// folded like the index (so case and width do not matter), punctuation trimmed from word ends
/// but kept inside words ("re16-tgk", "o'clock", "www.site.com"), a run of Chinese or Japanese
/// characters kept as one term. An unbalanced quote is closed at the end of the query; control
/// characters separate words. Anything that leaves nothing to search, or breaks a limit of
/// <see cref="QueryParserOptions"/>, is a <see cref="QueryException"/>. Thread-safe.
/// </summary>
public sealed class QueryParser
{
    // Marks that open or close a phrase. Straight and typographic quotes toggle, so a phrase
    // opened with one kind may be closed with another.
    private static readonly FrozenSet<int> QuoteMarks = new[]
    {
        '"', '\u201C', '\u201D', '\u201E', '\u00AB', '\u00BB', '\u300C', '\u300D', '\u300E', '\u300F',
    }.Select(c => (int)c).ToFrozenSet();

    // Punctuation that names what it is attached to rather than ending a sentence, so it stays at
    // the ends of words ("50%", "#1", "@home").
    private static readonly FrozenSet<int> KeptAtEnds = new[] { '#', '%', '@', '&', '*', '\u00A7', '\u2116' }
        .Select(c => (int)c).ToFrozenSet();

    private readonly QueryParserOptions options;
    private readonly ConcurrentDictionary<TextFolding, FrozenSet<string>> functionWords = new();

    public QueryParser(QueryParserOptions? options = null)
    {
        this.options = options ?? QueryParserOptions.Default;
        this.options.Validate();
    }

    /// <summary>Parses <paramref name="query"/>, folding it with the index's <paramref name="folding"/>.</summary>
    /// <exception cref="QueryException">The query is empty, too long, or has nothing searchable.</exception>
    public ParsedQuery Parse(string query, TextFolding folding)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Length > options.MaxQueryLength)
        {
            throw new QueryException(
                QueryErrorKind.TooLong,
                $"The query is {query.Length:N0} characters long; the limit is {options.MaxQueryLength:N0}. Search for the few words you expect to see in the image.");
        }

        var folded = Folding.Fold(Sanitize(query), folding);
        var stopWords = functionWords.GetOrAdd(folding, f => options.FunctionWords.Select(w => Folding.Fold(w, f)).ToFrozenSet(StringComparer.Ordinal));
        var clauses = new List<QueryClause>();
        var phrase = new List<QueryTerm>();
        var token = new StringBuilder();
        var inPhrase = false;
        var sawText = false;

        void EndToken()
        {
            if (token.Length == 0)
            {
                return;
            }

            var term = MakeTerm(token.ToString(), stopWords);
            token.Clear();
            if (term is null)
            {
                return;
            }

            if (inPhrase)
            {
                phrase.Add(term);
            }
            else
            {
                clauses.Add(new QueryClause([term], isPhrase: false));
            }
        }

        void EndPhrase()
        {
            if (phrase.Count > 0)
            {
                clauses.Add(new QueryClause(phrase.ToArray(), isPhrase: phrase.Count > 1));
                phrase.Clear();
            }
        }

        foreach (var rune in folded.EnumerateRunes())
        {
            if (QuoteMarks.Contains(rune.Value))
            {
                EndToken();
                if (inPhrase)
                {
                    EndPhrase();
                }

                inPhrase = !inPhrase;
            }
            else if (Rune.IsWhiteSpace(rune) || SymbolClasses.IsIgnorable(rune.Value))
            {
                EndToken();
            }
            else
            {
                sawText = true;
                token.Append(rune.ToString());
            }
        }

        // An unbalanced quote: the phrase runs to the end of the query.
        EndToken();
        EndPhrase();
        return Finish(query, folding, clauses, sawText);
    }

    private ParsedQuery Finish(string query, TextFolding folding, List<QueryClause> clauses, bool sawText)
    {
        if (clauses.Count == 0)
        {
            throw sawText
                ? new QueryException(QueryErrorKind.NothingSearchable, $"The query \"{Shorten(query)}\" has only punctuation; type the letters, digits or characters you expect to see in the image.")
                : new QueryException(QueryErrorKind.Empty, "The query is empty; type at least one word to search for.");
        }

        // Repeating a word or phrase adds nothing but weight, which the person did not ask for.
        var distinct = clauses.DistinctBy(c => (c.IsPhrase, c.Text)).ToArray();
        var termCount = distinct.Sum(c => c.Terms.Count);
        if (termCount > options.MaxTerms)
        {
            throw new QueryException(
                QueryErrorKind.TooManyTerms,
                $"The query has {termCount} words; the limit is {options.MaxTerms}. Keep the words that best identify the image.");
        }

        return new ParsedQuery(query, folding, distinct);
    }

    private QueryTerm? MakeTerm(string token, FrozenSet<string> stopWords)
    {
        var runes = token.EnumerateRunes().ToArray();
        var start = 0;
        var end = runes.Length;
        while (start < end && IsTrimmed(runes[start].Value))
        {
            start++;
        }

        while (end > start && IsTrimmed(runes[end - 1].Value))
        {
            end--;
        }

        if (start == end)
        {
            return null;
        }

        if (end - start > options.MaxTermLength)
        {
            throw new QueryException(
                QueryErrorKind.TermTooLong,
                $"The word \"{Shorten(token)}\" is {end - start} characters long; the limit is {options.MaxTermLength}. Split it into the words it is made of.");
        }

        var sb = new StringBuilder();
        for (var i = start; i < end; i++)
        {
            sb.Append(runes[i].ToString());
        }

        var text = sb.ToString();
        return new QueryTerm(text, stopWords.Contains(text));
    }

    private static bool IsTrimmed(int codePoint) => SymbolClasses.IsPunctuation(codePoint) && !KeptAtEnds.Contains(codePoint);

    /// <summary>Replaces what folding cannot take (unpaired surrogates) and control characters with spaces.</summary>
    private static string Sanitize(string query)
    {
        var sb = new StringBuilder(query.Length);
        var rest = query.AsSpan();
        while (!rest.IsEmpty)
        {
            var status = Rune.DecodeFromUtf16(rest, out var rune, out var consumed);
            sb.Append(status == System.Buffers.OperationStatus.Done && !SymbolClasses.IsIgnorable(rune.Value) ? rune.ToString() : " ");
            rest = rest[consumed..];
        }

        return sb.ToString();
    }

    private static string Shorten(string text)
    {
        var oneLine = string.Join(' ', Sanitize(text).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (oneLine.Length <= 40)
        {
            return oneLine;
        }

        var cut = char.IsHighSurrogate(oneLine[39]) ? 39 : 40;
        return string.Concat(oneLine.AsSpan(0, cut), "...");
    }
}
