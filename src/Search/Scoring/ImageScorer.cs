using Retrieval.Search.Query;

namespace Retrieval.Search.Scoring;

/// <summary>
/// Scores one image for a query from its candidate lines.
/// <para>
/// A word clause scores its best line; every line at or above
/// <see cref="SpottingOptions.MatchThreshold"/> (and the best line, if it reaches
/// <see cref="SpottingOptions.ReportThreshold"/>) is reported as a span. A phrase clause scores
/// the best of three readings (see <see cref="PhraseScorer"/>): all words together in one line,
/// in order across neighbouring lines, or only some words. The image score is the weighted mean
/// of its clauses' scores, a clause weighing the sum of its words' weights (1 for a content word,
/// <see cref="SpottingOptions.FunctionWordWeight"/> for a function word). So "hotel spa" scores
/// an image with both words at about their mean, an image with one of them at about half of that,
/// and a function word that is missing costs a quarter of what a missing content word costs.
/// </para>
/// Thread-safe; takes lattices and quads, knows nothing of storage.
/// </summary>
public sealed class ImageScorer
{
    private readonly SpanReporter reporter;
    private readonly PhraseScorer phrases;

    public ImageScorer(SpottingOptions? options = null, WordLexicon? lexicon = null)
    {
        Spotter = new LatticeSpotter(options, lexicon);
        reporter = new SpanReporter(Spotter);
        phrases = new PhraseScorer(Spotter, reporter);
    }

    public SpottingOptions Options => Spotter.Options;

    public LatticeSpotter Spotter { get; }

    /// <summary>Compiles the patterns of a query once, for scoring many images.</summary>
    public CompiledQuery Compile(ParsedQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var clauses = query.Clauses.Select(clause =>
        {
            var weights = clause.Terms.Select(t => t.IsFunctionWord ? Options.FunctionWordWeight : 1.0).ToArray();
            var terms = clause.Terms.Select(Spotter.Compile).ToArray();
            var phrase = clause.IsPhrase ? Spotter.CompilePhrase(clause.Terms) : null;
            return new CompiledClause(clause, weights.Sum(), weights, terms, phrase);
        }).ToArray();
        return new CompiledQuery(query, clauses);
    }

    /// <summary>The image's score in [0, 1] and its matches. An image with no lines scores 0.</summary>
    public ImageMatch Score(CompiledQuery query, IReadOnlyList<CandidateLine> lines, CancellationToken cancellationToken = default) =>
        Score(query, lines, report: true, cancellationToken);

    /// <summary>
    /// The image's score only: exactly <see cref="Score(CompiledQuery, IReadOnlyList{CandidateLine}, CancellationToken)"/>'s
    /// <see cref="ImageMatch.Score"/>, without locating and boxing the matches of single words, which
    /// only the page of results shown needs. Lines need no words.
    /// </summary>
    public double Rank(CompiledQuery query, IReadOnlyList<CandidateLine> lines, CancellationToken cancellationToken = default) =>
        Score(query, lines, report: false, cancellationToken).Score;

    private ImageMatch Score(CompiledQuery query, IReadOnlyList<CandidateLine> lines, bool report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(lines);
        var clauses = new ClauseMatch[query.Clauses.Count];
        double weighted = 0, weights = 0;
        for (var c = 0; c < clauses.Length; c++)
        {
            var clause = query.Clauses[c];
            clauses[c] = clause.Clause.IsPhrase ? phrases.Score(clause, lines, cancellationToken) : ScoreWord(clause, lines, report, cancellationToken);
            weighted += clause.Weight * clauses[c].Score;
            weights += clause.Weight;
        }

        return new ImageMatch(weights > 0 ? Math.Clamp(weighted / weights, 0, 1) : 0, clauses);
    }

    private ClauseMatch ScoreWord(CompiledClause clause, IReadOnlyList<CandidateLine> lines, bool report, CancellationToken cancellationToken)
    {
        var pattern = clause.Terms[0];
        var scores = new TermScore[lines.Count];
        var best = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            scores[i] = Spotter.Score(pattern, lines[i].Lattice, lines[i].Text);
            if (best < 0 || scores[i].Score > scores[best].Score)
            {
                best = i;
            }
        }

        if (best < 0 || scores[best].Score <= 0)
        {
            return new ClauseMatch(clause.Clause, clause.Weight, 0, ClauseEvidence.None, []);
        }

        var spans = new List<SpanMatch>();
        for (var i = 0; report && i < lines.Count; i++)
        {
            var reported = scores[i].Score >= Options.MatchThreshold || (i == best && scores[i].Score >= Options.ReportThreshold);
            if (reported && reporter.Report(lines[i], pattern, scores[i]) is { } span)
            {
                spans.Add(span);
            }
        }

        spans.Sort((a, b) => b.Score.CompareTo(a.Score));
        return new ClauseMatch(clause.Clause, clause.Weight, scores[best].Score, ClauseEvidence.Word, spans);
    }
}
