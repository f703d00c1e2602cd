namespace Retrieval.Search.Scoring;

/// <summary>
/// Scores a quoted phrase in one image as the best of three readings, strongest first:
/// <list type="number">
/// <item>In one line: the phrase spotted as one sequence (gaps between words optional), scored
/// like a term; exact and together this is about as high as a single word.</item>
/// <item>In order nearby: every word placed in reading order, each in the same line as the
/// previous word (after it) or in a line that follows that line (<see cref="LineAdjacency"/>);
/// <see cref="SpottingOptions.NeighbourPhraseWeight"/> times the weighted mean of the words'
/// scores.</item>
/// <item>Partial: each word's best line, wherever it is;
/// <see cref="SpottingOptions.PartialPhraseWeight"/> times the weighted mean (a missing word adds
/// zero), so an image with only some words ranks below one with all of them.</item>
/// </list>
/// Function words weigh <see cref="SpottingOptions.FunctionWordWeight"/> in the means.
/// </summary>
internal sealed class PhraseScorer
{
    private readonly LatticeSpotter spotter;
    private readonly SpanReporter reporter;

    public PhraseScorer(LatticeSpotter spotter, SpanReporter reporter)
    {
        this.spotter = spotter;
        this.reporter = reporter;
    }

    private SpottingOptions Options => spotter.Options;

    public ClauseMatch Score(CompiledClause clause, IReadOnlyList<CandidateLine> lines, CancellationToken cancellationToken)
    {
        var none = new ClauseMatch(clause.Clause, clause.Weight, 0, ClauseEvidence.None, []);
        if (lines.Count == 0)
        {
            return none;
        }

        var (inLine, inLineAt) = InOneLine(clause, lines, cancellationToken);
        var words = clause.Terms.Length;
        var scores = new TermScore[words, lines.Count];
        for (var i = 0; i < words; i++)
        {
            for (var l = 0; l < lines.Count; l++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                scores[i, l] = spotter.Score(clause.Terms[i], lines[l].Lattice, lines[l].Text);
            }
        }

        var spans = new Dictionary<(int Word, int Line), SpotSpan?>();
        var (chain, chainLines) = InOrder(clause, lines, scores, spans);
        var (partial, partialLines) = Partial(clause, scores);
        var total = clause.TermWeights.Sum();
        var nearby = Options.NeighbourPhraseWeight * chain / total;
        var some = Options.PartialPhraseWeight * partial / total;

        if (inLine.Score > 0 && inLine.Score >= nearby && inLine.Score >= some)
        {
            var span = reporter.Report(lines[inLineAt], clause.Phrase!, inLine);
            return new ClauseMatch(clause.Clause, clause.Weight, inLine.Score, ClauseEvidence.PhraseInLine, span is null ? [] : [span]);
        }

        if (nearby <= 0 && some <= 0)
        {
            return none;
        }

        var (score, evidence, placed) = nearby >= some
            ? (nearby, ClauseEvidence.PhraseInNeighbouringLines, chainLines)
            : (some, ClauseEvidence.PhrasePartial, partialLines);
        var matches = new List<SpanMatch>();
        for (var i = 0; i < words; i++)
        {
            var l = placed[i] >= 0 ? placed[i] : partialLines[i];
            var wordScore = scores[i, l];
            if (wordScore.Score >= Options.ReportThreshold
                && reporter.Report(lines[l], clause.Terms[i], wordScore, SpanOf(i, l, clause, lines, scores, spans)) is { } span)
            {
                matches.Add(span);
            }
        }

        return new ClauseMatch(clause.Clause, clause.Weight, Math.Clamp(score, 0, 1), evidence, matches);
    }

    private (TermScore Score, int Line) InOneLine(CompiledClause clause, IReadOnlyList<CandidateLine> lines, CancellationToken cancellationToken)
    {
        if (clause.Phrase is null)
        {
            return (TermScore.None, -1);
        }

        var best = (Score: TermScore.None, Line: -1);
        for (var l = 0; l < lines.Count; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var score = spotter.Score(clause.Phrase, lines[l].Lattice);
            if (score.Score > best.Score.Score)
            {
                best = (score, l);
            }
        }

        return best;
    }

    /// <summary>
    /// The best placement of the words in reading order (dynamic programming over words x lines):
    /// the weighted sum of word scores and the line of each word.
    /// </summary>
    private (double Sum, int[] Lines) InOrder(CompiledClause clause, IReadOnlyList<CandidateLine> lines, TermScore[,] scores, Dictionary<(int, int), SpotSpan?> spans)
    {
        var words = clause.Terms.Length;
        var n = lines.Count;
        var follows = new bool[n, n];
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < n; b++)
            {
                follows[a, b] = a != b && LineAdjacency.Follows(lines[a], lines[b]);
            }
        }

        var best = new double[words, n];
        var from = new int[words, n];
        var skipped = new bool[words, n];
        for (var l = 0; l < n; l++)
        {
            best[0, l] = Present(0, l, clause, scores) ? clause.TermWeights[0] * scores[0, l].Score : double.NegativeInfinity;
            if (double.IsNegativeInfinity(best[0, l]) && clause.Clause.Terms[0].IsFunctionWord)
            {
                best[0, l] = 0;
                skipped[0, l] = true;
            }
        }

        for (var i = 1; i < words; i++)
        {
            for (var l = 0; l < n; l++)
            {
                var previous = double.NegativeInfinity;
                from[i, l] = -1;
                for (var p = 0; p < n && Present(i, l, clause, scores); p++)
                {
                    // Cheap tests first: the order test may have to locate both words.
                    if (best[i - 1, p] <= previous || !(p == l ? InOrderInLine(i, l, clause, lines, scores, spans) : follows[p, l]))
                    {
                        continue;
                    }

                    previous = best[i - 1, p];
                    from[i, l] = p;
                }

                best[i, l] = previous + (clause.TermWeights[i] * scores[i, l].Score);

                // The recognizer often loses short function words; the phrase may go on without one.
                if (clause.Clause.Terms[i].IsFunctionWord && best[i - 1, l] > best[i, l])
                {
                    best[i, l] = best[i - 1, l];
                    from[i, l] = l;
                    skipped[i, l] = true;
                }
            }
        }

        var end = 0;
        for (var l = 1; l < n; l++)
        {
            end = best[words - 1, l] > best[words - 1, end] ? l : end;
        }

        var placed = new int[words];
        if (double.IsNegativeInfinity(best[words - 1, end]))
        {
            return (0, placed);
        }

        placed[words - 1] = end;
        for (var i = words - 1; i > 0; i--)
        {
            placed[i - 1] = from[i, placed[i]];
        }

        // A skipped word is reported at its best line, if anywhere.
        for (var i = 0; i < words; i++)
        {
            if (skipped[i, placed[i]])
            {
                placed[i] = -1;
            }
        }

        return (best[words - 1, end], placed);
    }

    /// <summary>Whether word <paramref name="i"/> is found in line <paramref name="line"/> well enough to place a phrase there.</summary>
    private bool Present(int i, int line, CompiledClause clause, TermScore[,] scores) =>
        scores[i, line].Score >= Options.ReportThreshold;

    /// <summary>Whether word <paramref name="i"/> follows word i-1 in line <paramref name="line"/> (both present there).</summary>
    private bool InOrderInLine(int i, int line, CompiledClause clause, IReadOnlyList<CandidateLine> lines, TermScore[,] scores, Dictionary<(int, int), SpotSpan?> spans)
    {
        if (!Present(i - 1, line, clause, scores))
        {
            return true; // the previous word was a skipped function word: nothing to order against
        }

        var before = SpanOf(i - 1, line, clause, lines, scores, spans);
        var after = SpanOf(i, line, clause, lines, scores, spans);
        return before is null || after is null || before.EndStep < after.StartStep;
    }

    private SpotSpan? SpanOf(int word, int line, CompiledClause clause, IReadOnlyList<CandidateLine> lines, TermScore[,] scores, Dictionary<(int, int), SpotSpan?> spans)
    {
        if (!spans.TryGetValue((word, line), out var span))
        {
            span = reporter.Locate(lines[line], clause.Terms[word], scores[word, line]);
            spans[(word, line)] = span;
        }

        return span;
    }

    /// <summary>Each word at its best line: the weighted sum of their scores and those lines.</summary>
    private static (double Sum, int[] Lines) Partial(CompiledClause clause, TermScore[,] scores)
    {
        var words = clause.Terms.Length;
        var placed = new int[words];
        var sum = 0.0;
        for (var i = 0; i < words; i++)
        {
            for (var l = 1; l < scores.GetLength(1); l++)
            {
                placed[i] = scores[i, l].Score > scores[i, placed[i]].Score ? l : placed[i];
            }

            sum += clause.TermWeights[i] * scores[i, placed[i]].Score;
        }

        return (sum, placed);
    }
}
