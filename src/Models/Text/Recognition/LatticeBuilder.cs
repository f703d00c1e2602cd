namespace Retrieval.Models.Text.Recognition;

/// <summary>
/// Turns the recognizer's per-step class probabilities into a <see cref="ReadingLattice"/>: at each
/// step the blank probability, and the <c>topK</c> most likely folded symbols whose probability is at
/// least <c>minProbability</c>. A folded symbol's probability is the exact sum over every class that
/// folds to it ("A", "a", full-width "ａ"), so case and width variants pool their evidence instead of
/// splitting it. Thread-safe after construction.
/// </summary>
public sealed class LatticeBuilder
{
    private readonly int classCount;
    private readonly int[] groupOfClass;
    private readonly int[] groupSymbol;
    private readonly int[][] groupClasses;
    private readonly float candidateThreshold;

    public LatticeBuilder(CharacterSet characters, int topK, float minProbability)
    {
        ArgumentNullException.ThrowIfNull(characters);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(topK, 255);
        if (!(minProbability is > 0f and < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(minProbability), minProbability, "The minimum probability must be in (0, 1).");
        }

        TopK = topK;
        MinProbability = minProbability;
        classCount = characters.Count;
        groupOfClass = new int[classCount];
        var groups = new Dictionary<int, List<int>>();
        var symbols = new List<int>();
        for (var c = 1; c < classCount; c++)
        {
            var symbol = characters.FoldedSymbol(c);
            if (!groups.TryGetValue(symbol, out var members))
            {
                members = [];
                groups.Add(symbol, members);
                symbols.Add(symbol);
            }

            members.Add(c);
        }

        groupSymbol = [.. symbols];
        groupClasses = new int[groupSymbol.Length][];
        var index = new Dictionary<int, int>(groupSymbol.Length);
        for (var g = 0; g < groupSymbol.Length; g++)
        {
            groupClasses[g] = [.. groups[groupSymbol[g]]];
            index[groupSymbol[g]] = g;
        }

        for (var c = 1; c < classCount; c++)
        {
            groupOfClass[c] = index[characters.FoldedSymbol(c)];
        }

        // A group whose sum reaches minProbability has a member with at least minProbability / size.
        candidateThreshold = minProbability / groupClasses.Max(g => g.Length);
    }

    public int TopK { get; }

    public float MinProbability { get; }

    /// <param name="probabilities">Row-major [steps, classes] softmax output; class 0 is the blank.</param>
    public ReadingLattice Build(ReadOnlySpan<float> probabilities, int steps)
    {
        if (steps < 0 || probabilities.Length < steps * classCount)
        {
            throw new ArgumentException($"{steps} steps of {classCount} classes need {steps * classCount} probabilities, got {probabilities.Length}.", nameof(probabilities));
        }

        var blank = new float[steps];
        var stepStart = new int[steps + 1];
        var symbols = new List<int>(steps * 2);
        var probs = new List<float>(steps * 2);
        // Probabilities sum to 1, so no step has more candidates than this.
        var capacity = (int)Math.Min(classCount, Math.Ceiling(1.0 / candidateThreshold) + 1);
        var candidates = new int[capacity];
        var sums = new float[capacity];
        for (var t = 0; t < steps; t++)
        {
            var row = probabilities.Slice(t * classCount, classCount);
            blank[t] = row[0];
            var count = 0;
            for (var c = 1; c < row.Length && count < capacity; c++)
            {
                if (row[c] >= candidateThreshold)
                {
                    var g = groupOfClass[c];
                    if (candidates.AsSpan(0, count).IndexOf(g) < 0)
                    {
                        candidates[count++] = g;
                    }
                }
            }

            var kept = 0;
            for (var i = 0; i < count; i++)
            {
                var sum = 0f;
                foreach (var c in groupClasses[candidates[i]])
                {
                    sum += row[c];
                }

                if (sum >= MinProbability)
                {
                    candidates[kept] = candidates[i];
                    sums[kept++] = sum;
                }
            }

            // Insertion sort, most likely first: a step rarely has more than a handful of survivors.
            for (var i = 1; i < kept; i++)
            {
                for (var j = i; j > 0 && sums[j] > sums[j - 1]; j--)
                {
                    (sums[j], sums[j - 1]) = (sums[j - 1], sums[j]);
                    (candidates[j], candidates[j - 1]) = (candidates[j - 1], candidates[j]);
                }
            }

            for (var i = 0; i < Math.Min(kept, TopK); i++)
            {
                symbols.Add(groupSymbol[candidates[i]]);
                probs.Add(sums[i]);
            }

            stepStart[t + 1] = symbols.Count;
        }

        return new ReadingLattice(blank, stepStart, [.. symbols], [.. probs]);
    }
}
