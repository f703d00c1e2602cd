using Retrieval.Models.Geometry;
using Retrieval.Models.Text;
using Retrieval.Search.Query;

namespace Retrieval.Search.Scoring;

/// <summary>A recognized word inside a candidate line, when the index kept word boxes.</summary>
public sealed record CandidateWord(Quad Quad, string Text);

/// <summary>
/// A line of one image offered for scoring: what the store keeps for it.
/// <paramref name="ReadingOrder"/> is the line's index in the image's reading order (consecutive
/// indices are neighbouring lines, whether or not both are candidates).
/// </summary>
public sealed record CandidateLine(long LineId, Quad Quad, string Text, ReadingLattice Lattice, int ReadingOrder, IReadOnlyList<CandidateWord>? Words = null);

/// <summary>How a clause was found in an image.</summary>
public enum ClauseEvidence
{
    /// <summary>Nothing scored above zero.</summary>
    None = 0,

    /// <summary>A single word: its best line.</summary>
    Word = 1,

    /// <summary>All words of a phrase, in order and together, in one line.</summary>
    PhraseInLine = 2,

    /// <summary>All words of a phrase in order, across neighbouring lines or apart in one line.</summary>
    PhraseInNeighbouringLines = 3,

    /// <summary>Some words of a phrase, or all of them but not in order or not near each other.</summary>
    PhrasePartial = 4,
}

/// <summary>
/// One match to show: the query text it answers, the box inside the line (the line quad sliced at
/// the spotted steps, or the recognized word box that covers them), what the recognizer read
/// there, and the match's calibrated score.
/// </summary>
public sealed record SpanMatch(long LineId, string QueryText, string Text, Quad Box, int StartStep, int EndStep, int Steps, double Score, MatchKind Kind);

/// <summary>A clause's contribution to an image's score.</summary>
/// <param name="Weight">The clause's weight in the image score (the sum of its words' weights).</param>
/// <param name="Score">Calibrated score in [0, 1].</param>
public sealed record ClauseMatch(QueryClause Clause, double Weight, double Score, ClauseEvidence Evidence, IReadOnlyList<SpanMatch> Spans);

/// <summary>An image's score for a query, in [0, 1], and the matches behind it.</summary>
public sealed record ImageMatch(double Score, IReadOnlyList<ClauseMatch> Clauses)
{
    /// <summary>Every reported span of every clause.</summary>
    public IEnumerable<SpanMatch> Spans => Clauses.SelectMany(c => c.Spans);
}

/// <summary>
/// A query compiled for scoring: one <see cref="SpotPattern"/> per word and one per phrase.
/// Build once per query with <see cref="ImageScorer.Compile"/>; immutable and thread-safe.
/// </summary>
public sealed class CompiledQuery
{
    internal CompiledQuery(ParsedQuery query, IReadOnlyList<CompiledClause> clauses)
    {
        Query = query;
        Clauses = clauses;
    }

    public ParsedQuery Query { get; }

    internal IReadOnlyList<CompiledClause> Clauses { get; }
}

/// <summary>A clause with its patterns and weights.</summary>
internal sealed record CompiledClause(QueryClause Clause, double Weight, double[] TermWeights, SpotPattern[] Terms, SpotPattern? Phrase);
