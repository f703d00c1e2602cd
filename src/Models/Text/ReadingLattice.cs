namespace Retrieval.Models.Text;

/// <summary>
/// What the recognizer believed at every time step of a text line: the probability of the CTC
/// blank and of the most likely folded symbols. It is the only input keyword spotting needs, so a
/// query can be scored against a line long after the pixels are gone.
/// <para>
/// Steps cover the line uniformly: step <c>t</c> of <see cref="Steps"/> spans the fraction
/// [t/T, (t+1)/T) of the line quad's reading direction, which is how spotted words get boxes.
/// Probability not listed at a step (1 - blank - listed) belongs to unlisted symbols; scorers
/// spread it as a floor rather than treating an unlisted symbol as impossible.
/// </para>
/// Symbols are Unicode code points after folding (<see cref="TextFolding"/>), never model class ids,
/// so a lattice means the same thing whatever dictionary produced it.
/// </summary>
public sealed class ReadingLattice
{
    private readonly int[] stepStart;
    private readonly int[] symbols;
    private readonly float[] probabilities;
    private readonly float[] blank;

    /// <param name="blank">Blank probability per step.</param>
    /// <param name="stepStart">Entry offsets: step t owns entries [stepStart[t], stepStart[t+1]); length T+1.</param>
    /// <param name="symbols">Folded code point per entry, most likely first within a step.</param>
    /// <param name="probabilities">Probability per entry.</param>
    public ReadingLattice(float[] blank, int[] stepStart, int[] symbols, float[] probabilities)
    {
        ArgumentNullException.ThrowIfNull(blank);
        ArgumentNullException.ThrowIfNull(stepStart);
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (stepStart.Length != blank.Length + 1 || stepStart[0] != 0 || stepStart[^1] != symbols.Length || symbols.Length != probabilities.Length)
        {
            throw new ArgumentException("Inconsistent lattice arrays.");
        }

        this.blank = blank;
        this.stepStart = stepStart;
        this.symbols = symbols;
        this.probabilities = probabilities;
    }

    public static ReadingLattice Empty { get; } = new([], [0], [], []);

    public int Steps => blank.Length;

    /// <summary>Number of (symbol, probability) entries over all steps.</summary>
    public int EntryCount => symbols.Length;

    public float BlankProbability(int step) => blank[step];

    // The four arrays whole, for scorers that walk every step. Methods rather than properties: a
    // span-typed property breaks reflection-based comparison of the records that hold a lattice.

    /// <summary>Blank probability of every step (length <see cref="Steps"/>).</summary>
    public ReadOnlySpan<float> BlankSpan() => blank;

    /// <summary>
    /// Entry offsets of every step (length <see cref="Steps"/> + 1): step t owns entries
    /// [StepStartSpan()[t], StepStartSpan()[t+1]) of <see cref="SymbolSpan"/> and <see cref="ProbabilitySpan"/>.
    /// </summary>
    public ReadOnlySpan<int> StepStartSpan() => stepStart;

    /// <summary>The folded code point of every entry, step after step.</summary>
    public ReadOnlySpan<int> SymbolSpan() => symbols;

    /// <summary>The probability of every entry, step after step.</summary>
    public ReadOnlySpan<float> ProbabilitySpan() => probabilities;

    public ReadOnlySpan<int> SymbolsAt(int step) => symbols.AsSpan(stepStart[step], stepStart[step + 1] - stepStart[step]);

    public ReadOnlySpan<float> ProbabilitiesAt(int step) => probabilities.AsSpan(stepStart[step], stepStart[step + 1] - stepStart[step]);

    /// <summary>Probability of <paramref name="symbol"/> at <paramref name="step"/>, or 0 when it is not listed there.</summary>
    public float Probability(int step, int symbol)
    {
        for (var i = stepStart[step]; i < stepStart[step + 1]; i++)
        {
            if (symbols[i] == symbol)
            {
                return probabilities[i];
            }
        }

        return 0f;
    }

    /// <summary>Mass at <paramref name="step"/> not covered by blank or listed entries.</summary>
    public float Residual(int step)
    {
        var sum = blank[step];
        for (var i = stepStart[step]; i < stepStart[step + 1]; i++)
        {
            sum += probabilities[i];
        }

        return Math.Max(0f, 1f - sum);
    }

    /// <summary>Greedy (best path) reading of the lattice: argmax per step, repeats merged, blanks dropped.</summary>
    public string BestPath()
    {
        var sb = new System.Text.StringBuilder();
        var previous = -1;
        for (var t = 0; t < Steps; t++)
        {
            var best = 0;
            var bestP = blank[t];
            for (var i = stepStart[t]; i < stepStart[t + 1]; i++)
            {
                if (probabilities[i] > bestP)
                {
                    bestP = probabilities[i];
                    best = symbols[i];
                }
            }

            if (best != 0 && best != previous)
            {
                sb.Append(char.ConvertFromUtf32(best));
            }

            previous = best;
        }

        return sb.ToString();
    }
}
