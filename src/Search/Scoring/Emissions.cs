using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    public static void Fill(SpotPattern pattern, ReadingLattice lattice, SpottingOptions options, Span<double> table) =>
        Fill(pattern, lattice, options, table, []);

    /// <summary>
    /// <see cref="Fill(SpotPattern, ReadingLattice, SpottingOptions, Span{double})"/>, and when
    /// <paramref name="totals"/> is not empty (one per step) the sum of each row, added label by
    /// label in order as <see cref="ForwardAutomaton.Forward"/> needs it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fill(SpotPattern pattern, ReadingLattice lattice, SpottingOptions options, Span<double> table, Span<double> totals)
    {
        var labels = pattern.LabelCount;
        var spread = options.UnlistedSymbolSpread;
        var minimum = options.MinSymbolProbability;
        var steps = lattice.Steps;
        var withTotals = !totals.IsEmpty;
        if (table.Length < steps * labels || (withTotals && totals.Length < steps))
        {
            throw new ArgumentException("The emission table is smaller than steps x labels.", nameof(table));
        }

        // The label of every entry first, so that the loop over steps calls nothing (a call there makes the JIT keep its sums on the stack).
        var entries = lattice.SymbolSpan();
        var rentedLabels = ArrayPool<int>.Shared.Rent(Math.Max(1, entries.Length));
        try
        {
            var entryLabels = rentedLabels.AsSpan(0, entries.Length);
            for (var i = 0; i < entries.Length; i++)
            {
                entryLabels[i] = pattern.LabelOf(entries[i]);
            }

            FillRows(lattice, entryLabels, table, totals, labels, spread, minimum);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rentedLabels);
        }
    }

    /// <summary>
    /// The rows, from the entries' labels. Indexing is unchecked: the lattice's constructor checked its
    /// offsets, every label is below <paramref name="labels"/>, and the caller checked the table's size.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillRows(ReadingLattice lattice, ReadOnlySpan<int> entryLabels, Span<double> table, Span<double> totals, int labels, double spread, double minimum)
    {
        var other = labels - 1;
        var steps = lattice.Steps;
        var withTotals = !totals.IsEmpty;
        ref var blanks = ref MemoryMarshal.GetReference(lattice.BlankSpan());
        ref var starts = ref MemoryMarshal.GetReference(lattice.StepStartSpan());
        ref var probabilities = ref MemoryMarshal.GetReference(lattice.ProbabilitySpan());
        ref var entryLabel = ref MemoryMarshal.GetReference(entryLabels);
        ref var first = ref MemoryMarshal.GetReference(table);
        ref var total = ref MemoryMarshal.GetReference(totals);
        table[..(steps * labels)].Clear(); // one memset instead of a short loop per row
        var begin = starts;
        for (var t = 0; t < steps; t++)
        {
            ref var row = ref Unsafe.Add(ref first, t * labels);
            var blank = (double)Unsafe.Add(ref blanks, t);
            row = blank;

            var listed = blank;
            var end = Unsafe.Add(ref starts, t + 1);
            for (var i = begin; i < end; i++)
            {
                double p = Unsafe.Add(ref probabilities, i);
                listed += p;
                // "Other" collects too, harmlessly: its cell is overwritten below. No branch to mispredict.
                Unsafe.Add(ref row, Unsafe.Add(ref entryLabel, i)) += p;
            }

            begin = end;
            var floor = Math.Max(Math.Max(0, 1 - listed) / spread, minimum);
            var sum = blank;
            for (var x = 1; x < other; x++)
            {
                ref var cell = ref Unsafe.Add(ref row, x);
                var value = cell == 0 ? floor : cell;
                cell = value;
                sum += value;
            }

            var rest = Math.Max(0, 1 - sum);
            Unsafe.Add(ref row, other) = rest;
            if (withTotals)
            {
                Unsafe.Add(ref total, t) = sum + rest;
            }
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
