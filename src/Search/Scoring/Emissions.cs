using Retrieval.Models.Text;

namespace Retrieval.Search.Scoring;

/// <summary>Per-step label probabilities of a lattice as a pattern sees it.</summary>
internal static class Emissions
{
    /// <summary>
    /// Fills <paramref name="table"/> (steps x <see cref="SpotPattern.LabelCount"/>, row-major) with
    /// the probability of every label at every step. A pattern character not listed at a step gets
    /// a floor from the step's unlisted mass (never zero: a misread costs, it does not veto); the
    /// "other" label takes what is left, so each row sums to 1 unless the floors overdraw it.
    /// </summary>
    public static void Fill(SpotPattern pattern, ReadingLattice lattice, SpottingOptions options, Span<double> table)
    {
        var labels = pattern.LabelCount;
        var other = pattern.OtherLabel;
        var spread = options.UnlistedSymbolSpread;
        var minimum = options.MinSymbolProbability;
        for (var t = 0; t < lattice.Steps; t++)
        {
            var row = table.Slice(t * labels, labels);
            row.Clear();
            var blank = (double)lattice.BlankProbability(t);
            row[0] = blank;
            var listed = blank;
            var symbols = lattice.SymbolsAt(t);
            var probabilities = lattice.ProbabilitiesAt(t);
            for (var i = 0; i < symbols.Length; i++)
            {
                double p = probabilities[i];
                listed += p;
                var label = pattern.LabelOf(symbols[i]);
                if (label != other)
                {
                    row[label] += p;
                }
            }

            var floor = Math.Max(Math.Max(0, 1 - listed) / spread, minimum);
            var sum = blank;
            for (var x = 1; x < other; x++)
            {
                if (row[x] == 0)
                {
                    row[x] = floor;
                }

                sum += row[x];
            }

            row[other] = Math.Max(0, 1 - sum);
        }
    }

    /// <summary>The most probable label at each step, for widening a located span.</summary>
    public static int ArgMax(ReadOnlySpan<double> row)
    {
        var best = 0;
        for (var x = 1; x < row.Length; x++)
        {
            if (row[x] > row[best])
            {
                best = x;
            }
        }

        return best;
    }
}
