using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Retrieval.Search.Scoring;

/// <summary>
/// The form of a <see cref="SpotAutomaton"/> that scoring runs: equivalent states merged (Moore's
/// partition refinement; span location keeps the full automaton, whose states remember their
/// previous label), and each state's transitions stored as one default destination (where most
/// labels lead: back to the start of the pattern) plus the few labels that lead elsewhere. The
/// forward pass then costs O(steps x (states + exceptions)) instead of O(steps x states x labels).
/// </summary>
internal sealed class ForwardAutomaton
{
    private const int StackLimit = 2048;

    private readonly int states;
    private readonly int initial;
    private readonly int[] defaultDestination;
    private readonly int[] exceptionStart;
    private readonly int[] exceptionLabel;
    private readonly int[] exceptionDestination;
    private readonly int[] acceptingAtEnd;

    public ForwardAutomaton(SpotAutomaton full)
    {
        var (block, count) = Partition(full);
        states = count;
        initial = block[full.Initial];
        var labels = full.LabelCount;
        var next = new int[count * labels];
        var accept = new bool[count];
        for (var s = 0; s < full.StateCount; s++)
        {
            accept[block[s]] = full.AcceptAtEnd[s];
            for (var x = 0; x < labels; x++)
            {
                next[(block[s] * labels) + x] = block[full.Next[(s * labels) + x]];
            }
        }

        acceptingAtEnd = Enumerable.Range(0, count).Where(s => accept[s]).ToArray();
        defaultDestination = new int[count];
        exceptionStart = new int[count + 1];
        var exceptionLabels = new List<int>();
        var exceptionDestinations = new List<int>();
        var uses = new int[count + 1];
        for (var s = 0; s < count; s++)
        {
            // The destination most labels lead to (the lowest of equals) is the default.
            var row = next.AsSpan(s * labels, labels);
            Array.Clear(uses);
            foreach (var d in row)
            {
                uses[d]++;
            }

            var common = 0;
            for (var d = 1; d <= count; d++)
            {
                common = uses[d] > uses[common] ? d : common;
            }

            defaultDestination[s] = common;
            for (var x = 0; x < labels; x++)
            {
                if (row[x] != common)
                {
                    exceptionLabels.Add(x);
                    exceptionDestinations.Add(row[x]);
                }
            }

            exceptionStart[s + 1] = exceptionLabels.Count;
        }

        exceptionLabel = exceptionLabels.ToArray();
        exceptionDestination = exceptionDestinations.ToArray();
    }

    public int StateCount => states;

    /// <summary>
    /// The probability that a path through <paramref name="emissions"/> (steps x labels) reaches
    /// "found", or ends the line in a state that accepts at the end.
    /// </summary>
    /// <param name="totals">The sum of each emission row (see <see cref="Emissions.Fill(SpotPattern, Retrieval.Models.Text.ReadingLattice, SpottingOptions, Span{double}, Span{double})"/>).</param>
    /// <param name="negligible">States holding less mass than this are skipped at a step.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Forward(ReadOnlySpan<double> emissions, ReadOnlySpan<double> totals, int steps, int labels, double negligible)
    {
        if (emissions.Length < steps * labels || totals.Length < steps)
        {
            throw new ArgumentException("The emission table is smaller than steps x labels.", nameof(emissions));
        }

        var width = states + 1; // the last slot collects each step's newly found mass
        double[]? rented = null;
        var buffer = 2 * width <= StackLimit ? stackalloc double[2 * width] : (rented = ArrayPool<double>.Shared.Rent(2 * width)).AsSpan(0, 2 * width);
        try
        {
            ref var current = ref MemoryMarshal.GetReference(buffer);
            ref var following = ref Unsafe.Add(ref current, width);
            for (var s = 0; s < width; s++)
            {
                Unsafe.Add(ref current, s) = 0;
            }

            Unsafe.Add(ref current, initial) = 1;
            var found = 0.0;
            ref var defaults = ref MemoryMarshal.GetArrayDataReference(defaultDestination);
            ref var starts = ref MemoryMarshal.GetArrayDataReference(exceptionStart);
            ref var exceptionLabels = ref MemoryMarshal.GetArrayDataReference(exceptionLabel);
            ref var exceptionTargets = ref MemoryMarshal.GetArrayDataReference(exceptionDestination);
            ref var probability = ref MemoryMarshal.GetReference(emissions);
            for (var t = 0; t < steps; t++)
            {
                for (var s = 0; s < width; s++)
                {
                    Unsafe.Add(ref following, s) = 0;
                }

                var total = totals[t];
                var begin = Unsafe.Add(ref starts, 0);
                for (var s = 0; s < states; s++)
                {
                    var end = Unsafe.Add(ref starts, s + 1);
                    var p = Unsafe.Add(ref current, s);
                    if (p >= negligible)
                    {
                        var rest = total;
                        for (var i = begin; i < end; i++)
                        {
                            var e = Unsafe.Add(ref probability, Unsafe.Add(ref exceptionLabels, i));
                            rest -= e;
                            Unsafe.Add(ref following, Unsafe.Add(ref exceptionTargets, i)) += p * e;
                        }

                        Unsafe.Add(ref following, Unsafe.Add(ref defaults, s)) += p * Math.Max(0, rest);
                    }

                    begin = end;
                }

                found += Unsafe.Add(ref following, states);
                Unsafe.Add(ref following, states) = 0;
                probability = ref Unsafe.Add(ref probability, labels);
                ref var swap = ref current;
                current = ref following;
                following = ref swap;
            }

            foreach (var s in acceptingAtEnd)
            {
                found += Unsafe.Add(ref current, s);
            }

            return found;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Moore's refinement: the block of every state (found last) and the number of non-found blocks.</summary>
    private static (int[] Block, int Count) Partition(SpotAutomaton full)
    {
        var n = full.StateCount;
        var labels = full.LabelCount;
        var block = new int[n + 1];
        for (var s = 0; s < n; s++)
        {
            block[s] = full.AcceptAtEnd[s] ? 1 : 0;
        }

        block[n] = 2;
        var blocks = -1;
        var width = labels + 1;
        var signatures = new int[(n + 1) * width];
        while (true)
        {
            // A state's signature: its block and the blocks its labels lead to ("found" leads nowhere).
            for (var s = 0; s <= n; s++)
            {
                var signature = signatures.AsSpan(s * width, width);
                signature[0] = block[s];
                for (var x = 0; x < labels; x++)
                {
                    signature[x + 1] = s < n ? block[full.Next[(s * labels) + x]] : -1;
                }
            }

            // New blocks numbered in order of first appearance.
            var numbers = new Dictionary<int, int>(n + 1, new SignatureComparer(signatures, width));
            var refined = new int[n + 1];
            for (var s = 0; s <= n; s++)
            {
                if (!numbers.TryGetValue(s, out var b))
                {
                    b = numbers.Count;
                    numbers.Add(s, b);
                }

                refined[s] = b;
            }

            block = refined;
            if (numbers.Count == blocks)
            {
                break;
            }

            blocks = numbers.Count;
        }

        // Renumber so that "found" is the last block, the slot the forward pass collects it in.
        var found = block[n];
        for (var s = 0; s <= n; s++)
        {
            block[s] = block[s] == found ? blocks - 1 : block[s] > found ? block[s] - 1 : block[s];
        }

        return (block, blocks - 1);
    }

    /// <summary>Compares states by their signature rows in a shared array, so that refinement allocates one array per round.</summary>
    private sealed class SignatureComparer(int[] signatures, int width) : IEqualityComparer<int>
    {
        public bool Equals(int x, int y) => signatures.AsSpan(x * width, width).SequenceEqual(signatures.AsSpan(y * width, width));

        public int GetHashCode(int obj)
        {
            var hash = default(HashCode);
            hash.AddBytes(MemoryMarshal.AsBytes(signatures.AsSpan(obj * width, width)));
            return hash.ToHashCode();
        }
    }
}
