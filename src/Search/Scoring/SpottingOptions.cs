namespace Retrieval.Search.Scoring;

/// <summary>
/// How lattices are read and how spotting probabilities become scores in [0, 1].
/// <para>
/// Calibration: a term of n characters that a line contains with probability P (under the
/// recognizer's own per-step uncertainty: the chance that a reading drawn from the lattice
/// contains it) scores P^(1/min(n, <see cref="LengthNormalizationCap"/>)) as a whole word, and
/// <see cref="SubstringWeight"/> times that inside a longer word. A phrase uses the sum of its
/// words' capped lengths, so it scores like the geometric mean of its words. The root makes long
/// and short words comparable (a confidently read word of any length scores about 0.8 to 1); the
/// cap keeps one misread character costly in a long word too, which is what guarantees the order
/// exact whole word &gt; exact substring &gt; whole word with a misread character &gt; substring
/// with a misread character: a character the recognizer gave probability p costs at least a
/// factor p^(1/cap), which stays below <see cref="SubstringWeight"/> while p &lt;
/// SubstringWeight^cap (0.33 with the defaults), that is whenever the character was clearly not
/// the recognizer's reading.
/// </para>
/// <para>
/// Inside a longer word, the line's best reading refines the substring weight (see
/// <see cref="LatticeSpotter.Score(SpotPattern, Retrieval.Models.Text.ReadingLattice, string?)"/>):
/// a term glued to known words by a dropped space weighs <see cref="GluedWordWeight"/>, one inside a
/// known other word <see cref="InsideWordWeight"/>, an unknown longer token keeps
/// <see cref="SubstringWeight"/>; the order above holds among terms read the same way.
/// </para>
/// <para>
/// What 0.5 means (the default <see cref="MatchThreshold"/>): a whole-word match whose weakest
/// character had probability about 0.5^min(n, 5) (3% for words of five or more characters, 12%
/// for three-letter words), typically the recognizer's second or third guess; or a substring
/// match with one such character at about 10%. A word that is not in the line scores below 0.3,
/// usually below 0.05.
/// </para>
/// </summary>
public sealed record SpottingOptions
{
    public static SpottingOptions Default { get; } = new();

    /// <summary>
    /// A symbol not listed at a step gets the step's unlisted mass divided by this, as if the mass
    /// were shared by this many symbols (the recognizer's near misses).
    /// </summary>
    public double UnlistedSymbolSpread { get; init; } = 8;

    /// <summary>Least probability of any symbol at any step, so nothing is ever impossible.</summary>
    public double MinSymbolProbability { get; init; } = 1e-4;

    /// <summary>Most characters a spotting probability is normalized over (see the type's remarks).</summary>
    public int LengthNormalizationCap { get; init; } = 5;

    /// <summary>Factor for a match inside a longer word ("re16" in "re16tgk"); 1 would rank it as a whole word.</summary>
    public double SubstringWeight { get; init; } = 0.8;

    /// <summary>
    /// Factor, in place of <see cref="SubstringWeight"/>, for a term that the line's best reading
    /// shows only inside a longer token that is itself a known word ("our" in "your", "one" in
    /// "phone"; see <see cref="WordLexicon"/>): that reading is most likely the other word.
    /// </summary>
    public double InsideWordWeight { get; init; } = 0.6;

    /// <summary>
    /// Factor for a term that the line's best reading shows as a token of its own although the
    /// lattice doubts the boundary (the recognizer is unsure of a space): that doubt then costs at
    /// most this much, not a character's worth.
    /// </summary>
    public double ReadWordWeight { get; init; } = 0.95;

    /// <summary>
    /// Factor for a term that the best reading shows glued to known words, digits or a stray
    /// character, as when the recognizer drops a space ("our" in "fromour", "off" in "50%off").
    /// </summary>
    public double GluedWordWeight { get; init; } = 0.85;

    /// <summary>Score from which a line is taken to contain a term (see the type's remarks).</summary>
    public double MatchThreshold { get; init; } = 0.5;

    /// <summary>Spans scoring below this are not reported as matches (they still count toward scores).</summary>
    public double ReportThreshold { get; init; } = 0.3;

    /// <summary>Weight of a function word ("the", "of") relative to a content word (1).</summary>
    public double FunctionWordWeight { get; init; } = 0.25;

    /// <summary>
    /// Factor for a phrase whose words are found in order but not together in one line: in
    /// neighbouring lines (next in reading order, or the line to the right or below), or in one
    /// line with other text between them.
    /// </summary>
    public double NeighbourPhraseWeight { get; init; } = 0.8;

    /// <summary>Factor for a phrase of which only some words are found, or not in order.</summary>
    public double PartialPhraseWeight { get; init; } = 0.6;

    /// <summary>
    /// Symbols that end a word: a whole-word match is preceded and followed by one of these or by
    /// a line end. The space (the recognizer's word separator) must be among them. A term's own
    /// characters are never boundaries for that term ("re16-tgk" keeps its hyphen).
    /// </summary>
    public string WordBoundarySymbols { get; init; } =
        " \t,.;:!?()[]{}<>\"'`/\\|-_\u2013\u2014\u2018\u2019\u201C\u201D\u2026\u00B7\u3001\u3002\uFF0C\uFF1B\uFF1A\uFF01\uFF1F\uFF08\uFF09\u3010\u3011\u300A\u300B\u300C\u300D";

    /// <summary>Throws one <see cref="ArgumentException"/> naming every invalid option.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Check(UnlistedSymbolSpread >= 1, $"UnlistedSymbolSpread must be at least 1 (got {UnlistedSymbolSpread}).");
        Check(MinSymbolProbability is > 0 and < 0.1, $"MinSymbolProbability must be in (0, 0.1) (got {MinSymbolProbability}).");
        Check(LengthNormalizationCap is >= 1 and <= 64, $"LengthNormalizationCap must be 1..64 (got {LengthNormalizationCap}).");
        Check(SubstringWeight is > 0 and <= 1, $"SubstringWeight must be in (0, 1] (got {SubstringWeight}).");
        Check(InsideWordWeight > 0 && InsideWordWeight <= SubstringWeight, $"InsideWordWeight must be in (0, SubstringWeight] (got {InsideWordWeight}).");
        Check(GluedWordWeight >= SubstringWeight && GluedWordWeight <= ReadWordWeight, $"GluedWordWeight must be in [SubstringWeight, ReadWordWeight] (got {GluedWordWeight}).");
        Check(ReadWordWeight <= 1, $"ReadWordWeight must be at most 1 (got {ReadWordWeight}).");
        Check(MatchThreshold is >= 0 and <= 1, $"MatchThreshold must be in [0, 1] (got {MatchThreshold}).");
        Check(ReportThreshold is >= 0 and <= 1, $"ReportThreshold must be in [0, 1] (got {ReportThreshold}).");
        Check(FunctionWordWeight is > 0 and <= 1, $"FunctionWordWeight must be in (0, 1] (got {FunctionWordWeight}).");
        Check(NeighbourPhraseWeight is > 0 and <= 1, $"NeighbourPhraseWeight must be in (0, 1] (got {NeighbourPhraseWeight}).");
        Check(PartialPhraseWeight is > 0 and <= 1, $"PartialPhraseWeight must be in (0, 1] (got {PartialPhraseWeight}).");
        Check(PartialPhraseWeight <= NeighbourPhraseWeight, "PartialPhraseWeight must not exceed NeighbourPhraseWeight, or a partial phrase would outrank a complete one.");
        Check(WordBoundarySymbols is not null && WordBoundarySymbols.Contains(' ', StringComparison.Ordinal), "WordBoundarySymbols must contain the space.");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid spotting options: " + string.Join(" ", errors));
        }
    }
}
