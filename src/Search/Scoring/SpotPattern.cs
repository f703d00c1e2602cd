using Retrieval.Search.Query;

namespace Retrieval.Search.Scoring;

/// <summary>
/// A query term or phrase compiled for spotting: its characters as labels and the automata that
/// find it in a line, as a substring and (for spaced scripts) as a whole word. Compile once per
/// query with <see cref="LatticeSpotter.Compile"/> and reuse for every line; immutable and
/// thread-safe.
/// <para>
/// Labels: 0 is the CTC blank, 1..D the pattern's distinct characters (a character and the marks
/// that read alike share a label: an apostrophe matches a typographic one), D+1 any word-boundary
/// symbol that is not one of the pattern's characters, D+2 everything else. Punctuation inside a word is optional and may
/// be read as any boundary ("re16-tgk" matches "re16tgk" and "re16 tgk"); the gap between the
/// words of a phrase is one or more boundaries, or nothing, since the recognizer drops spaces.
/// </para>
/// </summary>
public sealed class SpotPattern
{
    // The code points that have a label of their own, and their labels (1..classes).
    private readonly int[] members;
    private readonly int[] memberLabels;
    private readonly int classes;


    private SpotPattern(string text, int requiredLength, int normalizationLength, int[] members, int[] memberLabels, BoundarySymbols boundaries, SpotAutomaton substring, SpotAutomaton? wholeWord)
    {
        this.members = members;
        this.memberLabels = memberLabels;
        classes = memberLabels.Length == 0 ? 0 : memberLabels.Max();
        Text = text;
        IsSpacedWord = wholeWord is not null && !text.Contains(' ', StringComparison.Ordinal);
        RequiredLength = requiredLength;
        NormalizationLength = normalizationLength;
        Boundaries = boundaries;
        Substring = substring;
        WholeWord = wholeWord;
        SubstringForward = new ForwardAutomaton(substring);
        WholeWordForward = wholeWord is null ? null : new ForwardAutomaton(wholeWord);
        NegligibleNumerator = 0.01 * Math.Pow(0.01, normalizationLength);
        LargestForwardStateCount = Math.Max(SubstringForward.StateCount, WholeWordForward?.StateCount ?? 0);
        for (var c = 0; c < AsciiLabels.Length; c++)
        {
            AsciiLabels[c] = LabelOfSlow(c);
        }
    }

    /// <summary>The folded text looked for (phrase words joined by single spaces).</summary>
    public string Text { get; }

    /// <summary>Number of characters a match must have: optional punctuation and gaps do not count.</summary>
    public int RequiredLength { get; }

    /// <summary>
    /// The n of the calibration P^(1/n): the sum over the pattern's words of their required
    /// characters, each word counting at most <see cref="SpottingOptions.LengthNormalizationCap"/>.
    /// A phrase thus scores like the geometric mean of its words' scores.
    /// </summary>
    public int NormalizationLength { get; }

    /// <summary>False for terms in scripts without spaces, where any match counts as a whole word.</summary>
    public bool RequiresWordBoundary => WholeWord is not null;

    /// <summary>One word of a spaced script (not a phrase): what a line's best reading can place inside a longer token.</summary>
    internal bool IsSpacedWord { get; }

    internal int LabelCount => classes + 3;

    internal int BoundaryLabel => classes + 1;

    internal int OtherLabel => classes + 2;

    internal BoundarySymbols Boundaries { get; }

    internal SpotAutomaton Substring { get; }

    internal SpotAutomaton? WholeWord { get; }

    internal ForwardAutomaton SubstringForward { get; }

    internal ForwardAutomaton? WholeWordForward { get; }

    /// <summary>
    /// The forward passes skip states holding less than NegligibleNumerator / (LargestForwardStateCount x steps):
    /// everything dropped over a pass stays below a hundredth of the probability that calibrates to a score of 0.01.
    /// </summary>
    internal double NegligibleNumerator { get; }

    internal double LargestForwardStateCount { get; }

    /// <summary>The labels of the ASCII code points, which most lattice entries are (read-only after construction).</summary>
    internal int[] AsciiLabels { get; } = new int[128];

    /// <summary>The label of a folded symbol read in a lattice.</summary>
    internal int LabelOf(int codePoint) => (uint)codePoint < 128u ? AsciiLabels[codePoint] : LabelOfSlow(codePoint);

    private int LabelOfSlow(int codePoint)
    {
        var i = Array.IndexOf(members, codePoint);
        if (i >= 0)
        {
            return memberLabels[i];
        }

        return Boundaries.Contains(codePoint) ? BoundaryLabel : OtherLabel;
    }

    /// <summary>
    /// Compiles one term (a phrase of one word) or a phrase. Returns null when the phrase is too
    /// long to spot as one sequence (more than 120 characters); its words can still be spotted.
    /// </summary>
    internal static SpotPattern? Create(IReadOnlyList<QueryTerm> terms, BoundarySymbols boundaries, int lengthCap)
    {
        // Code point alternatives per slot; null stands for "a word boundary".
        var parts = new List<(int[]? CodePoints, bool Optional, bool Repeatable, bool Required)>();
        for (var w = 0; w < terms.Count; w++)
        {
            if (w > 0)
            {
                parts.Add((null, true, true, false));
            }

            var word = terms[w].Symbols;
            for (var i = 0; i < word.Length; i++)
            {
                var inside = i > 0 && i < word.Length - 1;
                if (inside && SymbolClasses.IsPunctuation(word[i]))
                {
                    parts.Add((SymbolClasses.EquivalentsOf(word[i]), true, false, false));
                }
                else
                {
                    parts.Add((SymbolClasses.EquivalentsOf(word[i]), false, false, true));
                }
            }
        }

        if (parts.Count > 120)
        {
            return null;
        }

        // One label per class of look-alike characters, numbered in order of appearance.
        var members = new List<int>();
        var memberLabels = new List<int>();
        var classes = 0;
        int LabelOf(int[] codePoints)
        {
            var i = members.IndexOf(codePoints[0]);
            if (i >= 0)
            {
                return memberLabels[i];
            }

            classes++;
            foreach (var c in codePoints.Where(c => !members.Contains(c)))
            {
                members.Add(c);
                memberLabels.Add(classes);
            }

            return classes;
        }

        var classOf = parts.Select(p => p.CodePoints is null ? 0 : LabelOf(p.CodePoints)).ToArray();
        var boundaryLabel = classes + 1;
        var labelCount = classes + 3;

        // Where the pattern needs a boundary, a boundary symbol that is also one of its own
        // characters (the hyphen of "re16-tgk") serves too.
        var boundaryLabels = new[] { boundaryLabel }
            .Concat(members.Where(boundaries.Contains).Select(c => memberLabels[members.IndexOf(c)]))
            .Distinct()
            .ToArray();
        int[] Labels(int part) => parts[part].CodePoints is null
            ? boundaryLabels
            : parts[part].Optional ? [classOf[part], boundaryLabel] : [classOf[part]];

        var slots = parts.Select((p, i) => new PatternSlot(Labels(i), p.Optional, p.Repeatable)).ToArray();
        var text = string.Join(' ', terms.Select(t => t.Text));
        var required = parts.Count(p => p.Required);
        var normalization = Math.Max(1, terms.Sum(t => Math.Min(lengthCap, t.Symbols.Count(c => !SymbolClasses.IsPunctuation(c)))));
        var substring = SpotAutomaton.Build(slots, labelCount, boundaryLabel, wholeWord: false)
            ?? SpotAutomaton.Build(Strict(slots), labelCount, boundaryLabel, wholeWord: false)
            ?? throw new InvalidOperationException($"The pattern \"{text}\" is too complex to spot.");

        SpotAutomaton? whole = null;
        if (terms.All(t => t.RequiresWordBoundary))
        {
            var edge = new PatternSlot(boundaryLabels, false, false);
            PatternSlot[] bounded = [edge, .. slots, edge];
            whole = SpotAutomaton.Build(bounded, labelCount, boundaryLabel, wholeWord: true)
                ?? SpotAutomaton.Build(Strict(bounded), labelCount, boundaryLabel, wholeWord: true);
        }

        return new SpotPattern(text, required, normalization, members.ToArray(), memberLabels.ToArray(), boundaries, substring, whole);
    }

    // A fallback for pathological patterns: no optional slots keeps the automaton linear.
    private static PatternSlot[] Strict(PatternSlot[] slots) => slots.Select(s => s with { Optional = false, Repeatable = false }).ToArray();

    public override string ToString() => Text;
}

/// <summary>The word-boundary symbols of <see cref="SpottingOptions.WordBoundarySymbols"/>, for fast lookup.</summary>
internal sealed class BoundarySymbols
{
    private readonly bool[] ascii = new bool[128];
    private readonly HashSet<int> other = [];

    public BoundarySymbols(string symbols)
    {
        foreach (var rune in symbols.EnumerateRunes())
        {
            if (rune.Value < 128)
            {
                ascii[rune.Value] = true;
            }
            else
            {
                other.Add(rune.Value);
            }
        }
    }

    public bool Contains(int codePoint) => codePoint < 128 ? codePoint >= 0 && ascii[codePoint] : other.Contains(codePoint);
}
