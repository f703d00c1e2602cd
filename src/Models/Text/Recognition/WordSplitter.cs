using Retrieval.Models.Geometry;

namespace Retrieval.Models.Text.Recognition;

/// <summary>
/// Cuts a line reading into words at the spaces the model emitted, and gives each word a slice of
/// the line quad. CTC puts a character's steps near its middle, not at its edges, so a word spans
/// from half a character pitch before its first character's centre to half a pitch after its last
/// one's (pitch = median distance between neighbouring character centres), clamped to the line and
/// to the centres of the spaces around it, which keeps words in order and disjoint.
/// </summary>
public static class WordSplitter
{
    /// <param name="reading">The greedy reading of the line.</param>
    /// <param name="steps">Time steps the line spans (T): step t covers the fraction [t/T, (t+1)/T) of <paramref name="line"/>.</param>
    /// <param name="line">The line quad, top edge along the reading direction.</param>
    public static IReadOnlyList<RecognizedWord> Split(CtcReading reading, int steps, Quad line)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var chars = reading.Characters;
        if (chars.Count == 0 || steps <= 0)
        {
            return [];
        }

        var pitch = MedianPitch(chars, steps);
        var words = new List<RecognizedWord>();
        var lowerBound = 0f;
        var i = 0;
        while (i < chars.Count)
        {
            if (IsSpace(chars[i]))
            {
                lowerBound = chars[i].Center;
                i++;
                continue;
            }

            var first = i;
            while (i < chars.Count && !IsSpace(chars[i]))
            {
                i++;
            }

            var last = i - 1;
            var upperBound = i < chars.Count ? chars[i].Center : steps;
            var from = Math.Max(lowerBound, chars[first].Center - (pitch / 2f));
            var to = Math.Min(upperBound, chars[last].Center + (pitch / 2f));
            var text = new System.Text.StringBuilder();
            var confidence = 0f;
            for (var k = first; k <= last; k++)
            {
                text.Append(chars[k].Symbol);
                confidence += chars[k].Confidence;
            }

            words.Add(new RecognizedWord(line.Slice(from / steps, to / steps), text.ToString(), confidence / (last - first + 1)));
        }

        return words;
    }

    private static bool IsSpace(CtcCharacter c) => string.IsNullOrWhiteSpace(c.Symbol);

    private static float MedianPitch(IReadOnlyList<CtcCharacter> chars, int steps)
    {
        if (chars.Count < 2)
        {
            return steps * 2f;
        }

        var gaps = new float[chars.Count - 1];
        for (var k = 1; k < chars.Count; k++)
        {
            gaps[k - 1] = chars[k].Center - chars[k - 1].Center;
        }

        Array.Sort(gaps);
        return gaps[gaps.Length / 2];
    }
}
