using System.Text;
using Retrieval.Models.Text;

namespace Retrieval.Search.Tests.Scoring;

/// <summary>How a synthetic line is read: which characters go wrong and how sure the recognizer is.</summary>
internal sealed record LatticeStyle
{
    public static LatticeStyle Clean { get; } = new();

    public int Seed { get; init; } = 1;

    /// <summary>Characters (by index into the text) read as another character; the true one keeps TrueProbability (0: not listed).</summary>
    public IReadOnlyDictionary<int, (char ReadAs, float TrueProbability)> Misreads { get; init; } = new Dictionary<int, (char, float)>();

    /// <summary>A blurry line: lower peaks and stronger second choices.</summary>
    public bool Noisy { get; init; }

    /// <summary>Spurious low-confidence characters inserted between characters, this many.</summary>
    public int NoiseFrames { get; init; }
}

/// <summary>A synthetic line and where each character's cell lies (steps, inclusive).</summary>
internal sealed record SyntheticLine(ReadingLattice Lattice, int[] CellStart, int[] CellEnd);

/// <summary>
/// Makes lattices that look like a CTC recognizer's output for a given reading: one or two peaked
/// steps per character (top probability 0.9 to 0.99) with one or two blank steps between (blank
/// 0.93 to 0.995, a trace of the neighbouring character), a confusable second choice at each peak
/// (0/o, 1/l, m/n, ...), a little residual mass, spaces emitted as the space symbol.
/// Deterministic per seed.
/// </summary>
internal static class SyntheticLattice
{
    private static readonly Dictionary<char, char> Confusable = new()
    {
        ['0'] = 'o',
        ['o'] = '0',
        ['1'] = 'l',
        ['l'] = '1',
        ['i'] = 'l',
        ['m'] = 'n',
        ['n'] = 'm',
        ['e'] = 'c',
        ['c'] = 'e',
        ['s'] = '5',
        ['5'] = 's',
        ['b'] = '6',
        ['6'] = 'b',
        ['8'] = 'b',
        ['g'] = '9',
        ['9'] = 'g',
        ['u'] = 'v',
        ['v'] = 'u',
        ['r'] = 'f',
        ['f'] = 'r',
        ['t'] = 'f',
        ['a'] = 'o',
        ['h'] = 'b',
        ['k'] = 'x',
        [' '] = '.',
    };

    public static ReadingLattice Read(string text, int seed = 1) => Build(text, LatticeStyle.Clean with { Seed = seed }).Lattice;

    /// <summary>The line read with character <paramref name="index"/> as <paramref name="readAs"/>.</summary>
    public static ReadingLattice Misread(string text, int index, char readAs, float trueProbability = 0.1f, int seed = 1) =>
        Build(text, new LatticeStyle { Seed = seed, Misreads = new Dictionary<int, (char, float)> { [index] = (readAs, trueProbability) } }).Lattice;

    public static SyntheticLine Build(string text, LatticeStyle style)
    {
        var random = new Random(style.Seed);
        var blank = new List<float>();
        var entries = new List<(int Symbol, float P)[]>();
        var cellStart = new int[text.Length];
        var cellEnd = new int[text.Length];
        var noiseAt = Enumerable.Range(0, style.NoiseFrames).Select(_ => random.Next(text.Length + 1)).ToHashSet();

        void Blank(char neighbour)
        {
            var b = Uniform(random, 0.93, 0.995);
            var n = Math.Min(Uniform(random, 0.002, 0.02), (1 - b) / 2);
            blank.Add(b);
            entries.Add([(neighbour, n), (RandomLetter(random), Math.Min(0.003f, (1 - b - n) / 2))]);
        }

        Blank(text.Length > 0 ? text[0] : 'a');
        for (var i = 0; i < text.Length; i++)
        {
            if (noiseAt.Contains(i))
            {
                blank.Add(0.45f);
                entries.Add([(RandomLetter(random), 0.4f), (RandomLetter(random), 0.1f)]);
                Blank(text[i]);
            }

            cellStart[i] = blank.Count - 1;
            var truth = text[i];
            var repeats = random.NextDouble() < 0.3 ? 2 : 1;
            for (var r = 0; r < repeats; r++)
            {
                entries.Add(Peak(random, truth, i, style));
                blank.Add(1 - entries[^1].Sum(e => e.P) - Uniform(random, 0.002, 0.01));
            }

            cellEnd[i] = blank.Count - 1;
            Blank(truth);
            if (random.NextDouble() < 0.4)
            {
                Blank(truth);
            }
        }

        var stepStart = new int[blank.Count + 1];
        var symbols = new List<int>();
        var probabilities = new List<float>();
        for (var t = 0; t < blank.Count; t++)
        {
            foreach (var (symbol, p) in entries[t].Where(e => e.P > 0).OrderByDescending(e => e.P))
            {
                symbols.Add(symbol);
                probabilities.Add(p);
            }

            stepStart[t + 1] = symbols.Count;
        }

        return new SyntheticLine(new ReadingLattice(blank.ToArray(), stepStart, symbols.ToArray(), probabilities.ToArray()), cellStart, cellEnd);
    }

    private static (int Symbol, float P)[] Peak(Random random, char truth, int index, LatticeStyle style)
    {
        var second = Confusable.TryGetValue(truth, out var c) ? c : RandomLetter(random);
        if (style.Misreads.TryGetValue(index, out var misread))
        {
            var read = Uniform(random, 0.75, 0.85);
            var rest = Math.Max(0.001f, 1 - read - misread.TrueProbability - 0.02f);
            return misread.TrueProbability > 0
                ? [(misread.ReadAs, read), (truth, misread.TrueProbability), (RandomLetter(random), Math.Min(rest, 0.01f))]
                : [(misread.ReadAs, read), (second == misread.ReadAs ? RandomLetter(random) : second, Math.Min(rest, 0.05f))];
        }

        var top = style.Noisy ? Uniform(random, 0.55, 0.8) : Uniform(random, 0.9, 0.99);
        var alternative = style.Noisy ? Uniform(random, 0.08, 0.2) : Uniform(random, 0.005, 0.04);
        alternative = Math.Min(alternative, 0.98f - top);
        return [(truth, top), (second, alternative), (RandomLetter(random), Math.Min(0.005f, 0.98f - top - alternative))];
    }

    private static char RandomLetter(Random random) => (char)('a' + random.Next(26));

    private static float Uniform(Random random, double lo, double hi) => (float)(lo + (random.NextDouble() * (hi - lo)));

    /// <summary>The greedy reading, for checking the helper itself.</summary>
    public static string BestReading(ReadingLattice lattice) => lattice.BestPath();

    public static string Describe(ReadingLattice lattice)
    {
        var sb = new StringBuilder();
        for (var t = 0; t < lattice.Steps; t++)
        {
            sb.Append(t).Append(": blank ").Append(lattice.BlankProbability(t).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
            var symbols = lattice.SymbolsAt(t);
            var probabilities = lattice.ProbabilitiesAt(t);
            for (var i = 0; i < symbols.Length; i++)
            {
                sb.Append(' ').Append(char.ConvertFromUtf32(symbols[i])).Append('=').Append(probabilities[i].ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }
}
