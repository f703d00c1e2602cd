using System.Numerics.Tensors;
using System.Text;

namespace Retrieval.Models.Text.Recognition;

/// <summary>One character of a greedy CTC reading: a run of time steps whose most likely class is the same non-blank class.</summary>
/// <param name="Class">The recognizer class.</param>
/// <param name="Symbol">The class's symbol as the dictionary spells it.</param>
/// <param name="FirstStep">First time step of the run.</param>
/// <param name="LastStep">Last time step of the run (inclusive).</param>
/// <param name="Confidence">Mean over the run of the top class probability.</param>
public readonly record struct CtcCharacter(int Class, string Symbol, int FirstStep, int LastStep, float Confidence)
{
    /// <summary>Centre of the run in steps (step t covers [t, t + 1)).</summary>
    public float Center => (FirstStep + LastStep + 1) / 2f;
}

/// <summary>A greedy CTC reading: <see cref="Text"/> is the characters' symbols in order.</summary>
public sealed record CtcReading(string Text, float Confidence, IReadOnlyList<CtcCharacter> Characters);

/// <summary>
/// Best-path CTC decoding: the most likely class per step, runs merged, blanks dropped. A character's
/// confidence is the mean top probability over its run; the line's is the mean over characters
/// (PaddleOCR's score).
/// <para>
/// Space recovery: the model spreads a wide gap's space over several steps, each of which blank
/// out-scores, so best path drops spaces between words set far apart (typical of capitals and signs).
/// With <c>recoverSpaces</c>, a space is put into a blank gap between two characters when the gap
/// more likely than not emits one: 1 - prod_t b_t / (b_t + s_t) &gt; 0.5, with b and s the blank and
/// space probabilities of the gap's steps. Its step is the gap's most space-like one and its
/// confidence that probability.
/// </para>
/// </summary>
public static class CtcGreedyDecoder
{
    /// <param name="probabilities">Row-major [steps, classes] softmax output.</param>
    public static CtcReading Decode(ReadOnlySpan<float> probabilities, int steps, CharacterSet characters, bool recoverSpaces = false)
    {
        ArgumentNullException.ThrowIfNull(characters);
        var classes = characters.Count;
        if (steps < 0 || probabilities.Length < steps * classes)
        {
            throw new ArgumentException($"{steps} steps of {classes} classes need {steps * classes} probabilities, got {probabilities.Length}.", nameof(probabilities));
        }

        var result = new List<CtcCharacter>();
        var text = new StringBuilder();
        var runClass = CharacterSet.Blank;
        var runStart = 0;
        var runSum = 0f;
        for (var t = 0; t <= steps; t++)
        {
            var best = CharacterSet.Blank;
            var p = 0f;
            if (t < steps)
            {
                var row = probabilities.Slice(t * classes, classes);
                best = TensorPrimitives.IndexOfMax(row);
                p = row[best];
                if (best == runClass)
                {
                    runSum += p;
                    continue;
                }
            }

            if (runClass != CharacterSet.Blank)
            {
                var symbol = characters[runClass];
                result.Add(new CtcCharacter(runClass, symbol, runStart, t - 1, runSum / (t - runStart)));
                text.Append(symbol);
            }

            runClass = best;
            runStart = t;
            runSum = p;
        }

        if (recoverSpaces)
        {
            RecoverSpaces(probabilities, characters, result, text);
        }

        var confidence = 0f;
        foreach (var c in result)
        {
            confidence += c.Confidence;
        }

        return new CtcReading(text.ToString(), result.Count == 0 ? 0f : confidence / result.Count, result);
    }

    private static void RecoverSpaces(ReadOnlySpan<float> probabilities, CharacterSet characters, List<CtcCharacter> result, StringBuilder text)
    {
        var classes = characters.Count;
        var space = characters.SpaceClass;
        var inserted = false;
        for (var i = result.Count - 1; i > 0; i--)
        {
            var (left, right) = (result[i - 1], result[i]);
            if (left.Class == space || right.Class == space || right.FirstStep - left.LastStep < 2)
            {
                continue;
            }

            var none = 1.0;
            var best = -1;
            var bestP = 0f;
            for (var t = left.LastStep + 1; t < right.FirstStep; t++)
            {
                var b = probabilities[t * classes];
                var s = probabilities[(t * classes) + space];
                none *= b + s > 0f ? b / (b + s) : 1.0;
                if (s > bestP)
                {
                    (best, bestP) = (t, s);
                }
            }

            if (1.0 - none > 0.5)
            {
                result.Insert(i, new CtcCharacter(space, characters[space], best, best, (float)(1.0 - none)));
                inserted = true;
            }
        }

        if (inserted)
        {
            text.Clear();
            foreach (var c in result)
            {
                text.Append(c.Symbol);
            }
        }
    }
}
