using System.Buffers;
using Retrieval.Models.Text;
using Retrieval.Search.Query;

namespace Retrieval.Search.Scoring;

/// <summary>
/// CTC keyword spotting on reading lattices: the probability that a line contains a term, found
/// with a forward pass over a <see cref="SpotAutomaton"/> in which the term may start and end
/// anywhere in the line, then calibrated to [0, 1] (see <see cref="SpottingOptions"/>). Scoring is
/// O(steps x states), states growing with the term's length (about 2 per character), and
/// allocates nothing per line: buffers come from the stack or <see cref="ArrayPool{T}"/>.
/// Thread-safe; independent of storage.
/// </summary>
public sealed class LatticeSpotter
{
    // Below this possible whole-word score the whole-word pass is not worth running.
    private const double NegligibleScore = 0.05;

    private readonly BoundarySymbols boundaries;

    /// <param name="options">Calibration and weights; <see cref="SpottingOptions.Default"/> when null.</param>
    /// <param name="lexicon">Known words for <see cref="Score(SpotPattern, ReadingLattice, string?)"/>; <see cref="WordLexicon.Default"/> when null.</param>
    public LatticeSpotter(SpottingOptions? options = null, WordLexicon? lexicon = null)
    {
        Options = options ?? SpottingOptions.Default;
        Options.Validate();
        Lexicon = lexicon ?? WordLexicon.Default;
        boundaries = new BoundarySymbols(Options.WordBoundarySymbols);
    }

    public SpottingOptions Options { get; }

    public WordLexicon Lexicon { get; }

    /// <summary>Compiles one query term (at most 120 characters, as the parser's limits ensure).</summary>
    public SpotPattern Compile(QueryTerm term)
    {
        ArgumentNullException.ThrowIfNull(term);
        return SpotPattern.Create([term], boundaries, Options.LengthNormalizationCap)
            ?? throw new ArgumentException($"The term is {term.Symbols.Length} characters long; at most 120 can be spotted.", nameof(term));
    }

    /// <summary>
    /// Compiles a phrase as one sequence, its words separated by optional boundaries. Null when the
    /// phrase is too long (over 120 characters) to spot as one sequence.
    /// </summary>
    public SpotPattern? CompilePhrase(IReadOnlyList<QueryTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count == 0)
        {
            throw new ArgumentException("A phrase has at least one term.", nameof(terms));
        }

        return SpotPattern.Create(terms, boundaries, Options.LengthNormalizationCap);
    }

    /// <summary>Scores a line and locates its best match (for lines that will be shown).</summary>
    public SpotResult Spot(SpotPattern pattern, ReadingLattice lattice)
    {
        var score = Score(pattern, lattice);
        return new SpotResult(score, score.SubstringProbability > 0 ? Locate(pattern, lattice, score.Kind) : null);
    }

    /// <summary>
    /// The line's calibrated score for <paramref name="pattern"/>, weighed by what the line's best
    /// reading (<paramref name="reading"/>, as stored) says of the match when the pattern is one word
    /// of a spaced script: found only inside a longer known word, it scores
    /// <see cref="SpottingOptions.InsideWordWeight"/> (not <see cref="SpottingOptions.SubstringWeight"/>)
    /// times the probability root; found as a token of its own, at least
    /// <see cref="SpottingOptions.ReadWordWeight"/> times it; glued to known words, digits or a stray
    /// character by a dropped space, at least <see cref="SpottingOptions.GluedWordWeight"/> times it
    /// (see <see cref="ReadingContext"/>). Never above the probability root P^(1/n), so a bound on that
    /// bounds this score. Without a reading (null) or with an empty <see cref="Lexicon"/>, the
    /// lattice's score alone. The reading is folded with <see cref="TextFolding.Default"/>; under an
    /// index folding that also drops accents, an accented reading does not show the term and the
    /// lattice's score stands.
    /// </summary>
    public TermScore Score(SpotPattern pattern, ReadingLattice lattice, string? reading)
    {
        var score = Score(pattern, lattice);
        if (reading is null || Lexicon.Count == 0 || !pattern.IsSpacedWord || score.SubstringProbability <= 0)
        {
            return score;
        }

        var root = Math.Pow(score.SubstringProbability, 1.0 / pattern.NormalizationLength);
        var insideWord = score.Kind == MatchKind.Substring && Options.InsideWordWeight < Options.SubstringWeight;
        if (root < NegligibleScore || (score.Score >= Options.ReadWordWeight * root && !insideWord))
        {
            return score;
        }

        var context = ReadingContexts.Classify(Folding.Fold(reading, TextFolding.Default), pattern.Text, boundaries, Lexicon);
        var lifted = context switch
        {
            ReadingContext.Word => Options.ReadWordWeight * root,
            ReadingContext.Glued => Options.GluedWordWeight * root,
            _ => 0,
        };
        if (lifted > score.Score)
        {
            return score with { Score = lifted, Kind = context == ReadingContext.Word && score.WholeWordProbability > 0 ? MatchKind.WholeWord : score.Kind };
        }

        return context == ReadingContext.InsideWord && insideWord ? score with { Score = Options.InsideWordWeight * root } : score;
    }

    /// <summary>The line's calibrated score for <paramref name="pattern"/> from the lattice alone. Allocation-free.</summary>
    public TermScore Score(SpotPattern pattern, ReadingLattice lattice)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(lattice);
        var steps = lattice.Steps;
        if (steps == 0)
        {
            return TermScore.None;
        }

        var labels = pattern.LabelCount;
        var size = steps * (labels + 1);

        // Rented rather than stack-allocated: a stack buffer would be zeroed first, and Fill writes every cell.
        var rented = ArrayPool<double>.Shared.Rent(size);
        try
        {
            var buffer = rented.AsSpan(0, size);
            var table = buffer[..(steps * labels)];
            var totals = buffer.Slice(steps * labels, steps);
            Emissions.Fill(pattern, lattice, Options, table, totals);
            var n = pattern.NormalizationLength;

            // States holding less than this are skipped: everything dropped over a pass stays below
            // a hundredth of the probability that calibrates to a score of 0.01.
            var negligible = Math.Max(1e-300, pattern.NegligibleNumerator / (pattern.LargestForwardStateCount * steps));
            var substring = Math.Clamp(pattern.SubstringForward.Forward(table, totals, steps, labels, negligible), 0, 1);
            var wholeBound = Math.Pow(substring, 1.0 / n);
            if (pattern.WholeWordForward is null)
            {
                return new TermScore(wholeBound, MatchKind.WholeWord, substring, substring);
            }

            var substringScore = Options.SubstringWeight * wholeBound;

            // A whole-word match is a substring match too, so its score is at most wholeBound.
            var whole = wholeBound < NegligibleScore ? 0 : Math.Clamp(pattern.WholeWordForward.Forward(table, totals, steps, labels, negligible), 0, substring);
            var wholeScore = Math.Pow(whole, 1.0 / n);
            return wholeScore >= substringScore
                ? new TermScore(wholeScore, MatchKind.WholeWord, whole, substring)
                : new TermScore(substringScore, MatchKind.Substring, whole, substring);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Where the best match of <paramref name="kind"/> lies (a Viterbi pass on the same automaton);
    /// null when the line has no steps.
    /// </summary>
    public SpotSpan? Locate(SpotPattern pattern, ReadingLattice lattice, MatchKind kind)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(lattice);
        var automaton = kind == MatchKind.WholeWord && pattern.WholeWord is not null ? pattern.WholeWord : pattern.Substring;
        return SpanLocator.Locate(pattern, automaton, lattice, Options);
    }
}
