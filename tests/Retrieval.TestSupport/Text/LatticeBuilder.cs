using System.Text;
using Retrieval.Models.Text;

namespace Retrieval.TestSupport.Text;

/// <summary>
/// Builds <see cref="ReadingLattice"/>s in code, step by step, the way a CTC recognizer lays them
/// out: each character on a step of its own, followed by a blank step. Probabilities are whatever
/// the test says; nothing is normalized.
/// </summary>
public sealed class LatticeBuilder
{
    private readonly List<float> blank = [];
    private readonly List<int> stepStart = [0];
    private readonly List<int> symbols = [];
    private readonly List<float> probabilities = [];

    /// <summary>A confidently read text: per character a step (0.99 the character) and a blank step (0.97 blank).</summary>
    public static ReadingLattice Clean(string text)
    {
        var builder = new LatticeBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            builder.Character(rune.ToString(), 0.99f);
        }

        return builder.Build();
    }

    /// <summary>A step reading <paramref name="character"/> with <paramref name="probability"/> (rest blank), then a blank step.</summary>
    public LatticeBuilder Character(string character, float probability = 0.99f) =>
        Step(1f - probability, (character, probability)).Blank();

    /// <summary>
    /// An uncertain character: the step's most likely symbol is <paramref name="read"/>, the second
    /// <paramref name="alternative"/>; then a blank step.
    /// </summary>
    public LatticeBuilder Confused(string read, float readProbability, string alternative, float alternativeProbability) =>
        Step(Math.Max(0f, 1f - readProbability - alternativeProbability), (read, readProbability), (alternative, alternativeProbability)).Blank();

    /// <summary>A step that is blank with <paramref name="probability"/> and lists nothing else.</summary>
    public LatticeBuilder Blank(float probability = 0.97f) => Step(probability);

    /// <summary>One step: the blank probability and (symbol, probability) entries, most likely first.</summary>
    public LatticeBuilder Step(float blankProbability, params (string Symbol, float Probability)[] entries)
    {
        blank.Add(blankProbability);
        foreach (var (symbol, probability) in entries)
        {
            if (!Rune.TryGetRuneAt(symbol, 0, out var rune) || rune.Utf16SequenceLength != symbol.Length)
            {
                throw new ArgumentException($"'{symbol}' is not one symbol.", nameof(entries));
            }

            symbols.Add(rune.Value);
            probabilities.Add(probability);
        }

        stepStart.Add(symbols.Count);
        return this;
    }

    public ReadingLattice Build() => new([.. blank], [.. stepStart], [.. symbols], [.. probabilities]);
}
