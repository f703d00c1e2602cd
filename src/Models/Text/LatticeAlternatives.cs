using System.Text;

namespace Retrieval.Models.Text;

/// <summary>How many alternative readings <see cref="LatticeAlternatives"/> keeps, and how unlikely they may be.</summary>
public sealed record LatticeAlternativesOptions
{
    public static LatticeAlternativesOptions Default { get; } = new();

    /// <summary>Prefixes kept per step of the beam search.</summary>
    public int BeamWidth { get; init; } = 16;

    /// <summary>At most this many readings are returned.</summary>
    public int MaxCount { get; init; } = 8;

    /// <summary>Readings less likely than this fraction of the most likely one are dropped.</summary>
    public double MinRelativeProbability { get; init; } = 0.02;

    public void Validate()
    {
        var errors = new List<string>();
        if (BeamWidth < 1)
        {
            errors.Add($"{nameof(BeamWidth)} must be at least 1 (got {BeamWidth}).");
        }

        if (MaxCount < 1 || MaxCount > BeamWidth)
        {
            errors.Add($"{nameof(MaxCount)} must be between 1 and {nameof(BeamWidth)} ({BeamWidth}) (got {MaxCount}).");
        }

        if (!(MinRelativeProbability is >= 0 and <= 1))
        {
            errors.Add($"{nameof(MinRelativeProbability)} must be between 0 and 1 (got {MinRelativeProbability}).");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid lattice alternative options: " + string.Join(" ", errors));
        }
    }
}

/// <summary>One reading of a lattice and the log of its probability (summed over every CTC alignment of it).</summary>
public readonly record struct LatticeReading(string Text, double LogProbability);

/// <summary>
/// The few most likely readings of a <see cref="ReadingLattice"/>, found by CTC prefix beam search
/// over the listed symbols (residual mass is ignored). They cover substitutions, insertions and
/// deletions the recognizer was unsure about, so a text index over them still finds a line whose
/// best path misread a character. Deterministic: ties break by ordinal string order.
/// </summary>
public static class LatticeAlternatives
{
    /// <summary>Prefixes this much less likely than the final threshold are pruned at every step.</summary>
    private const double PruneRatio = 1e-3;

    /// <summary>
    /// The most likely readings, most likely first, at most <see cref="LatticeAlternativesOptions.MaxCount"/>,
    /// each at least <see cref="LatticeAlternativesOptions.MinRelativeProbability"/> times as likely as
    /// the first. The first is usually, not always, the best path. An empty lattice gives the empty reading.
    /// </summary>
    public static IReadOnlyList<LatticeReading> Derive(ReadingLattice lattice, LatticeAlternativesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        options ??= LatticeAlternativesOptions.Default;
        options.Validate();

        // Prefixes are nodes of a trie (node 0 is the empty prefix), so extending and merging them
        // costs a lookup instead of a string. Probabilities are rescaled every step so the best beam
        // is 1; logScale keeps the factor.
        var trie = new PrefixTrie();
        var beams = new List<Beam> { new(0, 1.0, 0.0) };
        var next = new BeamSet();
        var logScale = 0.0;
        for (var t = 0; t < lattice.Steps; t++)
        {
            next.Clear();
            double blank = lattice.BlankProbability(t);
            var symbols = lattice.SymbolsAt(t);
            var probabilities = lattice.ProbabilitiesAt(t);
            foreach (var beam in beams)
            {
                next.Add(beam.Node, (beam.Blank + beam.NonBlank) * blank, 0.0);
                var last = trie.Symbol(beam.Node);
                for (var i = 0; i < symbols.Length; i++)
                {
                    double p = probabilities[i];
                    var symbol = symbols[i];
                    if (p <= 0 || symbol == 0)
                    {
                        continue;
                    }

                    var extended = trie.Child(beam.Node, symbol);
                    if (symbol == last)
                    {
                        // A repeat without a blank between collapses into the same character.
                        next.Add(beam.Node, 0.0, beam.NonBlank * p);
                        next.Add(extended, 0.0, beam.Blank * p);
                    }
                    else
                    {
                        next.Add(extended, 0.0, (beam.Blank + beam.NonBlank) * p);
                    }
                }
            }

            beams = next.Top(options.BeamWidth, options.MinRelativeProbability * PruneRatio, trie);
            var top = beams.Count > 0 ? beams[0].Total : 0.0;
            if (top <= 0)
            {
                return [];
            }

            logScale += Math.Log(top);
            for (var i = 0; i < beams.Count; i++)
            {
                beams[i] = beams[i] with { Blank = beams[i].Blank / top, NonBlank = beams[i].NonBlank / top };
            }
        }

        var result = new List<LatticeReading>(Math.Min(options.MaxCount, beams.Count));
        foreach (var beam in beams)
        {
            if (result.Count == options.MaxCount || beam.Total < options.MinRelativeProbability * beams[0].Total)
            {
                break;
            }

            result.Add(new LatticeReading(trie.Text(beam.Node), logScale + Math.Log(beam.Total)));
        }

        return result;
    }

    /// <summary>Convenience for indexes: the distinct reading texts of <see cref="Derive"/>.</summary>
    public static IReadOnlyList<string> DeriveTexts(ReadingLattice lattice, LatticeAlternativesOptions? options = null)
    {
        var readings = Derive(lattice, options);
        var texts = new List<string>(readings.Count);
        foreach (var reading in readings)
        {
            texts.Add(reading.Text);
        }

        return texts;
    }

    /// <param name="Node">The prefix (collapsed reading so far) as a trie node.</param>
    /// <param name="Blank">Probability of the prefix with alignments ending in a blank.</param>
    /// <param name="NonBlank">Probability of the prefix with alignments ending in its last character.</param>
    private readonly record struct Beam(int Node, double Blank, double NonBlank)
    {
        public double Total => Blank + NonBlank;
    }

    /// <summary>Every prefix the search has made, each stored once as (parent, last symbol).</summary>
    private sealed class PrefixTrie
    {
        private readonly List<int> parent = [-1];
        private readonly List<int> symbol = [-1];
        private readonly Dictionary<long, int> children = [];

        /// <summary>The last code point of the prefix, -1 for the empty one.</summary>
        public int Symbol(int node) => symbol[node];

        public int Child(int node, int codePoint)
        {
            var key = ((long)node << 32) | (uint)codePoint;
            if (!children.TryGetValue(key, out var child))
            {
                child = parent.Count;
                parent.Add(node);
                symbol.Add(codePoint);
                children.Add(key, child);
            }

            return child;
        }

        public string Text(int node)
        {
            var points = new List<int>();
            for (var n = node; n > 0; n = parent[n])
            {
                points.Add(symbol[n]);
            }

            var builder = new StringBuilder(points.Count);
            for (var i = points.Count - 1; i >= 0; i--)
            {
                builder.Append(new Rune(points[i]).ToString());
            }

            return builder.ToString();
        }
    }

    /// <summary>The beams of the next step, merged by prefix.</summary>
    private sealed class BeamSet
    {
        private readonly List<Beam> beams = [];
        private readonly Dictionary<int, int> index = [];

        public void Clear()
        {
            beams.Clear();
            index.Clear();
        }

        public void Add(int node, double blank, double nonBlank)
        {
            if (blank + nonBlank <= 0)
            {
                return;
            }

            if (index.TryGetValue(node, out var i))
            {
                var beam = beams[i];
                beams[i] = beam with { Blank = beam.Blank + blank, NonBlank = beam.NonBlank + nonBlank };
            }
            else
            {
                index.Add(node, beams.Count);
                beams.Add(new Beam(node, blank, nonBlank));
            }
        }

        /// <summary>
        /// The <paramref name="width"/> most likely, ties by ordinal text so results do not depend on
        /// insertion order. Prefixes below <paramref name="floor"/> times the best are dropped first:
        /// they cannot come back to matter, and most candidates of a step are such long shots.
        /// </summary>
        public List<Beam> Top(int width, double floor, PrefixTrie trie)
        {
            var best = 0.0;
            foreach (var beam in beams)
            {
                best = Math.Max(best, beam.Total);
            }

            var list = new List<Beam>(Math.Min(beams.Count, 4 * width));
            foreach (var beam in beams)
            {
                if (beam.Total >= best * floor)
                {
                    list.Add(beam);
                }
            }

            list.Sort((a, b) =>
            {
                var byProbability = b.Total.CompareTo(a.Total);
                return byProbability != 0 || a.Node == b.Node ? byProbability : string.CompareOrdinal(trie.Text(a.Node), trie.Text(b.Node));
            });
            if (list.Count > width)
            {
                list.RemoveRange(width, list.Count - width);
            }

            return list;
        }
    }
}
