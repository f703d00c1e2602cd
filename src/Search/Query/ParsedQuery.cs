using System.Collections.Immutable;
using Retrieval.Models.Text;

namespace Retrieval.Search.Query;

/// <summary>
/// One word of a query, folded the way the index folds its lattices: the sequence of code points
/// the spotter looks for.
/// </summary>
public sealed class QueryTerm
{
    public QueryTerm(string text, bool isFunctionWord)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        Text = text;
        IsFunctionWord = isFunctionWord;
        var symbols = ImmutableArray.CreateBuilder<int>(text.Length);
        var unspaced = false;
        foreach (var rune in text.EnumerateRunes())
        {
            symbols.Add(rune.Value);
            unspaced |= SymbolClasses.IsUnspaced(rune.Value);
        }

        Symbols = symbols.ToImmutable();
        RequiresWordBoundary = !unspaced;
    }

    /// <summary>The folded word, as it would appear in a folded reading.</summary>
    public string Text { get; }

    /// <summary>The folded code points of <see cref="Text"/>, in reading order.</summary>
    public ImmutableArray<int> Symbols { get; }

    /// <summary>A word from the parser's function-word list ("the", "of"): it weighs less in scoring.</summary>
    public bool IsFunctionWord { get; }

    /// <summary>
    /// False when the term contains characters of a script written without spaces (Chinese,
    /// Japanese, Thai): such a term has no word boundaries, so a match inside a longer run of
    /// text is as good as a whole-word match.
    /// </summary>
    public bool RequiresWordBoundary { get; }

    public override string ToString() => Text;
}

/// <summary>
/// A unit of a query that is scored on its own: a single word, or a quoted phrase whose words
/// should appear together and in order.
/// </summary>
public sealed class QueryClause
{
    public QueryClause(IReadOnlyList<QueryTerm> terms, bool isPhrase)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count == 0 || (!isPhrase && terms.Count != 1))
        {
            throw new ArgumentException("A word clause has exactly one term; a phrase has at least one.", nameof(terms));
        }

        Terms = terms;
        IsPhrase = isPhrase;
    }

    public IReadOnlyList<QueryTerm> Terms { get; }

    /// <summary>True for a quoted phrase of two or more words.</summary>
    public bool IsPhrase { get; }

    /// <summary>The folded words separated by single spaces.</summary>
    public string Text => string.Join(' ', Terms.Select(t => t.Text));

    public override string ToString() => IsPhrase ? $"\"{Text}\"" : Text;
}

/// <summary>A query after parsing: its clauses in the order written, folded with <see cref="Folding"/>.</summary>
public sealed class ParsedQuery
{
    public ParsedQuery(string original, TextFolding folding, IReadOnlyList<QueryClause> clauses)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(clauses);
        if (clauses.Count == 0)
        {
            throw new ArgumentException("A query has at least one clause.", nameof(clauses));
        }

        Original = original;
        Folding = folding;
        Clauses = clauses;
        Terms = clauses.SelectMany(c => c.Terms).ToArray();
    }

    /// <summary>The text the user typed.</summary>
    public string Original { get; }

    /// <summary>The folding applied to every term; must equal the index's folding.</summary>
    public TextFolding Folding { get; }

    public IReadOnlyList<QueryClause> Clauses { get; }

    /// <summary>Every term of every clause, in query order (for candidate lookup).</summary>
    public IReadOnlyList<QueryTerm> Terms { get; }

    public override string ToString() => string.Join(' ', Clauses);
}
