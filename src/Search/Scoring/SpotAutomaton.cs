namespace Retrieval.Search.Scoring;

/// <summary>One position of a pattern: the labels that may fill it, whether it may be skipped, whether it may repeat.</summary>
internal readonly record struct PatternSlot(int[] Labels, bool Optional, bool Repeatable);

/// <summary>
/// A deterministic automaton over CTC frame labels that is in its accepting state exactly when
/// the collapsed reading so far contains the pattern. States pair the set of pattern positions
/// still alive (subset construction over the pattern, with position 0 always alive so a match may
/// start anywhere: the "garbage" before the keyword) with the label of the previous frame, which
/// CTC needs to tell a repeated frame from a repeated character. Reaching the end of the pattern
/// is absorbing (the "garbage" after the keyword), so summing paths over this automaton gives the
/// probability that the line contains the pattern, with no path counted twice.
/// <para>
/// Labels: 0 is the blank; the others are classes of symbols defined by <see cref="SpotPattern"/>.
/// Consecutive frames with different symbols of one class are merged like a repeat, which is
/// harmless because every class outside the pattern's own characters is idempotent.
/// </para>
/// </summary>
internal sealed class SpotAutomaton
{
    private const int MaxStates = 8192;

    private SpotAutomaton(int labelCount, int stateCount, int initial, int[] next, int[] lastLabel, bool[] acceptAtEnd, PatternSlot[] slots, bool wholeWord)
    {
        LabelCount = labelCount;
        StateCount = stateCount;
        Initial = initial;
        Next = next;
        LastLabel = lastLabel;
        AcceptAtEnd = acceptAtEnd;
        Slots = slots;
        WholeWord = wholeWord;
    }

    public int LabelCount { get; }

    public int StateCount { get; }

    /// <summary>The absorbing "pattern found" state: a destination in <see cref="Next"/>, never a row.</summary>
    public int Found => StateCount;

    public int Initial { get; }

    /// <summary>Destination per state and label: <c>Next[state * LabelCount + label]</c>.</summary>
    public int[] Next { get; }

    /// <summary>The label of the frame that led into each state (0 after a blank).</summary>
    public int[] LastLabel { get; }

    /// <summary>States that count as found when the line ends there (a whole word at the end of the line).</summary>
    public bool[] AcceptAtEnd { get; }

    public PatternSlot[] Slots { get; }

    /// <summary>Whether the first and last slots are word boundaries that a line edge also satisfies.</summary>
    public bool WholeWord { get; }

    /// <summary>
    /// Builds the automaton. For a whole-word pattern the first and last slots are the boundary
    /// label: the line start counts as a boundary (the initial state has consumed one), and a line
    /// that ends with everything but the final boundary matched is accepted.
    /// </summary>
    /// <returns>Null when the pattern would need more than <see cref="MaxStates"/> states.</returns>
    public static SpotAutomaton? Build(PatternSlot[] slots, int labelCount, int boundaryLabel, bool wholeWord)
    {
        var m = slots.Length;
        if (m is < 1 or > 126)
        {
            throw new ArgumentOutOfRangeException(nameof(slots), m, "A pattern has 1..126 slots.");
        }

        var full = UInt128.One << m;
        var origin = Closure(slots, UInt128.One);
        var initialSet = wholeWord ? Closure(slots, UInt128.One | Move(slots, UInt128.One, boundaryLabel)) : origin;

        // Per label, the slots that accept it, and those of them that repeat: Move in two masks.
        var accepts = new UInt128[labelCount];
        var repeats = new UInt128[labelCount];
        var optional = Enumerable.Range(0, m).Where(i => slots[i].Optional).ToArray();
        for (var i = 0; i < m; i++)
        {
            foreach (var label in slots[i].Labels)
            {
                accepts[label] |= UInt128.One << i;
                repeats[label] |= slots[i].Repeatable ? UInt128.One << (i + 1) : UInt128.Zero;
            }
        }

        UInt128 Step(UInt128 set, int label)
        {
            var moved = origin | ((set & accepts[label]) << 1) | (set & repeats[label]);
            foreach (var i in optional)
            {
                moved |= (moved & (UInt128.One << i)) != UInt128.Zero ? UInt128.One << (i + 1) : UInt128.Zero;
            }

            return moved;
        }

        var index = new Dictionary<(UInt128 Set, int Last), int>();
        var sets = new List<UInt128>();
        var lasts = new List<int>();
        var next = new List<int>();
        int StateOf(UInt128 set, int last)
        {
            if (!index.TryGetValue((set, last), out var s))
            {
                s = sets.Count;
                index.Add((set, last), s);
                sets.Add(set);
                lasts.Add(last);
            }

            return s;
        }

        var initial = StateOf(initialSet, 0);
        for (var s = 0; s < sets.Count; s++)
        {
            if (sets.Count > MaxStates)
            {
                return null;
            }

            var set = sets[s];
            var last = lasts[s];
            for (var x = 0; x < labelCount; x++)
            {
                int destination;
                if (x == 0)
                {
                    destination = StateOf(set, 0);
                }
                else if (x == last)
                {
                    destination = s; // the same character held over another frame
                }
                else
                {
                    var stepped = Step(set, x);
                    destination = (stepped & full) != UInt128.Zero ? -1 : StateOf(stepped, x);
                }

                next.Add(destination);
            }
        }

        var count = sets.Count;
        var table = next.Select(d => d < 0 ? count : d).ToArray();
        var acceptAtEnd = new bool[count];
        if (wholeWord)
        {
            var beforeLast = UInt128.One << (m - 1);
            for (var s = 0; s < count; s++)
            {
                acceptAtEnd[s] = (sets[s] & beforeLast) != UInt128.Zero;
            }
        }

        return new SpotAutomaton(labelCount, count, initial, table, lasts.ToArray(), acceptAtEnd, slots, wholeWord);
    }

    /// <summary>Adds the positions reachable by skipping optional slots.</summary>
    public static UInt128 Closure(PatternSlot[] slots, UInt128 set)
    {
        for (var i = 0; i < slots.Length; i++)
        {
            if (slots[i].Optional && (set & (UInt128.One << i)) != UInt128.Zero)
            {
                set |= UInt128.One << (i + 1);
            }
        }

        return set;
    }

    /// <summary>The positions after consuming <paramref name="label"/> from <paramref name="set"/> (no closure).</summary>
    public static UInt128 Move(PatternSlot[] slots, UInt128 set, int label)
    {
        var result = UInt128.Zero;
        for (var i = 0; i < slots.Length; i++)
        {
            if (Array.IndexOf(slots[i].Labels, label) < 0)
            {
                continue;
            }

            if ((set & (UInt128.One << i)) != UInt128.Zero)
            {
                result |= UInt128.One << (i + 1);
            }

            // A repeatable slot (the gap between phrase words) absorbs a run of its labels.
            if (slots[i].Repeatable && (set & (UInt128.One << (i + 1))) != UInt128.Zero)
            {
                result |= UInt128.One << (i + 1);
            }
        }

        return result;
    }
}
