using Retrieval.Models.Geometry;
using Retrieval.Models.Text;
using Retrieval.Models.Text.Recognition;

namespace Retrieval.Models.Tests.Recognition;

/// <summary>Decoding, lattice building and word splitting on hand-made probability matrices over the real dictionary.</summary>
public sealed class CtcDecodingTests
{
    private static readonly CharacterSet Characters = CharacterSet.Load(RecognizerModelFiles.Default.Dictionary);

    [Fact]
    public void Greedy_decoding_merges_runs_drops_blanks_and_keeps_each_characters_steps()
    {
        var probs = Matrix(
            Step(('a', 0.9f)),
            Step(('a', 0.7f)),
            Step(),
            Step(('a', 0.8f)),
            Step(('b', 0.6f)),
            Step(('b', 0.8f)),
            Step());

        var reading = CtcGreedyDecoder.Decode(probs, 7, Characters);

        reading.Text.Should().Be("aab");
        reading.Characters.Select(c => (c.Symbol, c.FirstStep, c.LastStep)).Should().Equal(("a", 0, 1), ("a", 3, 3), ("b", 4, 5));
        reading.Characters[0].Confidence.Should().BeApproximately(0.8f, 1e-6f);
        reading.Characters[2].Confidence.Should().BeApproximately(0.7f, 1e-6f);
        reading.Confidence.Should().BeApproximately((0.8f + 0.8f + 0.7f) / 3, 1e-6f);
    }

    [Fact]
    public void An_all_blank_reading_is_empty_with_zero_confidence()
    {
        var reading = CtcGreedyDecoder.Decode(Matrix(Step(), Step()), 2, Characters);

        reading.Text.Should().BeEmpty();
        reading.Confidence.Should().Be(0f);
    }

    [Fact]
    public void The_lattice_sums_classes_that_fold_together_and_keeps_the_blank()
    {
        var probs = Matrix(Step(('A', 0.3f), ('a', 0.25f), ('ａ', 0.05f)));

        var lattice = new LatticeBuilder(Characters, 4, 0.002f).Build(probs, 1);

        lattice.SymbolsAt(0).ToArray().Should().Equal('a');
        lattice.ProbabilitiesAt(0)[0].Should().BeApproximately(0.6f, 1e-6f);
        lattice.BlankProbability(0).Should().BeApproximately(0.4f, 1e-6f);
        lattice.Residual(0).Should().BeApproximately(0f, 1e-5f);
    }

    [Fact]
    public void The_lattice_keeps_the_top_k_symbols_above_the_floor_most_likely_first()
    {
        var probs = Matrix(Step(('x', 0.05f), ('y', 0.3f), ('z', 0.1f), ('w', 0.2f), ('v', 0.001f)));

        var top3 = new LatticeBuilder(Characters, 3, 0.002f).Build(probs, 1);
        var floor = new LatticeBuilder(Characters, 8, 0.01f).Build(probs, 1);

        top3.SymbolsAt(0).ToArray().Should().Equal('y', 'w', 'z');
        top3.Residual(0).Should().BeApproximately(0.051f, 1e-5f);
        floor.SymbolsAt(0).ToArray().Should().Equal('y', 'w', 'z', 'x');
    }

    [Fact]
    public void Words_split_at_spaces_get_disjoint_slices_of_the_line_with_half_a_pitch_of_margin()
    {
        // "ab cd" with centres at steps 1.5, 3.5, 5.5, 7.5, 9.5 of 12: pitch 2.
        var probs = Matrix(Step(), Step(('a', 1f)), Step(), Step(('b', 1f)), Step(), Step((' ', 1f)), Step(), Step(('c', 1f)), Step(), Step(('d', 1f)), Step(), Step());
        var line = new Quad(new PointF(0, 0), new PointF(120, 0), new PointF(120, 20), new PointF(0, 20));

        var reading = CtcGreedyDecoder.Decode(probs, 12, Characters);
        var words = WordSplitter.Split(reading, 12, line);

        words.Select(w => w.Text).Should().Equal("ab", "cd");
        words[0].Quad.TopLeft.X.Should().BeApproximately(5f, 1e-4f);
        words[0].Quad.TopRight.X.Should().BeApproximately(45f, 1e-4f);
        words[1].Quad.TopLeft.X.Should().BeApproximately(65f, 1e-4f);
        words[1].Quad.TopRight.X.Should().BeApproximately(105f, 1e-4f);
        words[1].Quad.BottomLeft.Y.Should().Be(20f);
    }

    [Fact]
    public void Word_margins_stop_at_the_neighbouring_space()
    {
        // "ab cd" with wide letter spacing but a narrow space: pitch 4 steps, the space centre at 5.5 of 11.
        var probs = Matrix(
            Step(('a', 1f)), Step(), Step(), Step(), Step(('b', 1f)), Step((' ', 1f)), Step(('c', 1f)), Step(), Step(), Step(), Step(('d', 1f)));
        var line = new Quad(new PointF(0, 0), new PointF(110, 0), new PointF(110, 10), new PointF(0, 10));

        var words = WordSplitter.Split(CtcGreedyDecoder.Decode(probs, 11, Characters), 11, line);

        words.Select(w => w.Text).Should().Equal("ab", "cd");
        words[0].Quad.TopLeft.X.Should().Be(0f);
        words[0].Quad.TopRight.X.Should().BeApproximately(55f, 1e-4f);
        words[1].Quad.TopLeft.X.Should().BeApproximately(55f, 1e-4f);
        words[1].Quad.TopRight.X.Should().BeApproximately(110f, 1e-4f);
    }

    private static float[] Step(params (char Symbol, float P)[] entries)
    {
        var row = new float[Characters.Count];
        var rest = 1f;
        foreach (var (symbol, p) in entries)
        {
            row[ClassOf(symbol)] = p;
            rest -= p;
        }

        row[CharacterSet.Blank] = rest;
        return row;
    }

    private static float[] Matrix(params float[][] steps) => [.. steps.SelectMany(s => s)];

    private static int ClassOf(char symbol)
    {
        for (var c = 1; c < Characters.Count; c++)
        {
            if (Characters[c] == symbol.ToString())
            {
                return c;
            }
        }

        throw new ArgumentException($"'{symbol}' is not in the dictionary.");
    }
}
