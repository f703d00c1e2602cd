using System.Text;
using System.Text.RegularExpressions;
using Retrieval.Models.Text;
using Retrieval.Search.Query;
using Retrieval.Search.Scoring;

namespace Retrieval.Search.Tests.Scoring;

/// <summary>
/// The spotting probabilities against their definition: enumerate every labelling of a small
/// lattice, collapse it the CTC way (merge repeats, drop blanks), and add up the probability of
/// the readings that contain the pattern (anywhere, and as a whole word).
/// </summary>
public sealed class SpottingBruteForceTests
{
    // Every symbol listed at every step, so no floor is involved and the definition is exact.
    private const string Alphabet = "abcd -";

    private readonly LatticeSpotter spotter = new();

    [Theory]
    [InlineData("ab", "ab", "(?<=^|[ \\-])ab(?=$|[ \\-])")]
    [InlineData("aab", "aab", "(?<=^|[ \\-])aab(?=$|[ \\-])")]
    [InlineData("aba", "aba", "(?<=^|[ \\-])aba(?=$|[ \\-])")]
    [InlineData("a-b", "a(?:-| )?b", "(?<=^|[ \\-])a(?:-| )?b(?=$|[ \\-])")]
    [InlineData("bb", "bb", "(?<=^|[ \\-])bb(?=$|[ \\-])")]
    public void Term_probabilities_equal_brute_force(string term, string substring, string wholeWord)
    {
        var pattern = spotter.Compile(new QueryTerm(term, false));
        Check(pattern, new Regex(substring), new Regex(wholeWord));
    }

    [Fact]
    public void Phrase_probabilities_equal_brute_force()
    {
        var pattern = spotter.CompilePhrase([new QueryTerm("a", false), new QueryTerm("b", false)])!;
        Check(pattern, new Regex("a[ \\-]*b"), new Regex("(?<=^|[ \\-])a[ \\-]*b(?=$|[ \\-])"));
    }

    private void Check(SpotPattern pattern, Regex substring, Regex wholeWord)
    {
        var random = new Random(pattern.Text.Length);
        for (var trial = 0; trial < 6; trial++)
        {
            var lattice = RandomFullLattice(random, steps: 6);
            var (expectedSubstring, expectedWhole) = Enumerate(lattice, substring, wholeWord);
            var score = spotter.Score(pattern, lattice);
            score.SubstringProbability.Should().BeApproximately(expectedSubstring, 1e-6, $"substring, trial {trial}");
            if (Math.Pow(expectedSubstring, 1.0 / pattern.NormalizationLength) >= 0.05)
            {
                score.WholeWordProbability.Should().BeApproximately(expectedWhole, 1e-6, $"whole word, trial {trial}");
            }
        }
    }

    private static ReadingLattice RandomFullLattice(Random random, int steps)
    {
        var blank = new float[steps];
        var stepStart = new int[steps + 1];
        var symbols = new List<int>();
        var probabilities = new List<float>();
        for (var t = 0; t < steps; t++)
        {
            var weights = Enumerable.Range(0, Alphabet.Length + 1).Select(_ => 0.05 + random.NextDouble()).ToArray();
            var sum = weights.Sum();
            blank[t] = (float)(weights[0] / sum);
            var listed = blank[t];
            for (var i = 0; i < Alphabet.Length; i++)
            {
                var p = i == Alphabet.Length - 1 ? 1f - listed : (float)(weights[i + 1] / sum);
                listed += p;
                symbols.Add(Alphabet[i]);
                probabilities.Add(p);
            }

            stepStart[t + 1] = symbols.Count;
        }

        return new ReadingLattice(blank, stepStart, symbols.ToArray(), probabilities.ToArray());
    }

    private static (double Substring, double WholeWord) Enumerate(ReadingLattice lattice, Regex substring, Regex wholeWord)
    {
        var steps = lattice.Steps;
        var labels = new int[steps];
        double inside = 0, whole = 0;
        while (true)
        {
            var p = 1.0;
            var text = new StringBuilder();
            var previous = -1;
            for (var t = 0; t < steps; t++)
            {
                p *= labels[t] == 0 ? lattice.BlankProbability(t) : lattice.ProbabilitiesAt(t)[labels[t] - 1];
                if (labels[t] != 0 && labels[t] != previous)
                {
                    text.Append(Alphabet[labels[t] - 1]);
                }

                previous = labels[t];
            }

            var reading = text.ToString();
            inside += substring.IsMatch(reading) ? p : 0;
            whole += wholeWord.IsMatch(reading) ? p : 0;

            var k = 0;
            while (k < steps && ++labels[k] > Alphabet.Length)
            {
                labels[k++] = 0;
            }

            if (k == steps)
            {
                return (inside, whole);
            }
        }
    }
}
