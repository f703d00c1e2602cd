using System.Text;
using Retrieval.Models.Text;

namespace Retrieval.Bench.Query;

/// <summary>
/// A few pairs of ASCII letters (or digits) exchanged everywhere in one line: in every lattice
/// entry, the text and the words. An exchange is a bijection, so a step never lists a symbol twice
/// and the best path of the changed lattice is the changed best path: the copy stays a consistent
/// recognizer output with the original's shape, confidences and length, only reading other text.
/// Case is kept in texts (lattices hold folded, lower-case symbols).
/// </summary>
internal sealed class SymbolSwap
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";

    private readonly Dictionary<int, int> map;

    private SymbolSwap(Dictionary<int, int> map) => this.map = map;

    /// <summary>
    /// Exchanges <paramref name="swaps"/> letters or digits that occur in <paramref name="text"/>
    /// with random others of their kind (each exchange changes at least one character of the text).
    /// </summary>
    public static SymbolSwap Random(string text, int swaps, Random random)
    {
        var present = text.ToLowerInvariant().Where(c => c < 128 && char.IsAsciiLetterOrDigit(c)).Distinct().ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(present));
        var map = new Dictionary<int, int>();
        foreach (var source in present)
        {
            if (map.Count / 2 >= swaps)
            {
                break;
            }

            if (map.ContainsKey(source))
            {
                continue;
            }

            var pool = char.IsAsciiDigit(source) ? Digits : Letters;
            var free = pool.Where(c => c != source && !map.ContainsKey(c)).ToList();
            if (free.Count == 0)
            {
                continue;
            }

            var target = free[random.Next(free.Count)];
            map[source] = target;
            map[target] = source;
        }

        return new SymbolSwap(map);
    }

    public bool IsIdentity => map.Count == 0;

    public ReadingLattice Apply(ReadingLattice lattice)
    {
        var steps = lattice.Steps;
        var blank = new float[steps];
        var stepStart = new int[steps + 1];
        var symbols = new int[lattice.EntryCount];
        var probabilities = new float[lattice.EntryCount];
        var entry = 0;
        for (var t = 0; t < steps; t++)
        {
            blank[t] = lattice.BlankProbability(t);
            var stepSymbols = lattice.SymbolsAt(t);
            var stepProbabilities = lattice.ProbabilitiesAt(t);
            for (var i = 0; i < stepSymbols.Length; i++)
            {
                symbols[entry] = map.GetValueOrDefault(stepSymbols[i], stepSymbols[i]);
                probabilities[entry++] = stepProbabilities[i];
            }

            stepStart[t + 1] = entry;
        }

        return new ReadingLattice(blank, stepStart, symbols, probabilities);
    }

    public string Apply(string text)
    {
        if (IsIdentity)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var upper = char.IsAsciiLetterUpper(c);
            var folded = upper ? char.ToLowerInvariant(c) : c;
            var mapped = (char)map.GetValueOrDefault(folded, folded);
            builder.Append(upper ? char.ToUpperInvariant(mapped) : mapped);
        }

        return builder.ToString();
    }
}
