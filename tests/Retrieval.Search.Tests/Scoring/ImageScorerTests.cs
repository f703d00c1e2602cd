using Retrieval.Models.Geometry;
using Retrieval.Models.Text;
using Retrieval.Search.Query;
using Retrieval.Search.Scoring;
using Xunit.Abstractions;

namespace Retrieval.Search.Tests.Scoring;

public sealed class ImageScorerTests(ITestOutputHelper output)
{
    private readonly ImageScorer scorer = new();
    private readonly QueryParser parser = new();

    private CompiledQuery Compile(string query) => scorer.Compile(parser.Parse(query, TextFolding.Default));

    /// <summary>A line of text in a layout of rows: row r sits at y = 100 r, reading order = row.</summary>
    private static CandidateLine Line(string text, int row, int seed = 1, float x = 50, IReadOnlyList<CandidateWord>? words = null) =>
        Line(SyntheticLattice.Read(text, seed), text, row, x, words);

    private static CandidateLine Line(ReadingLattice lattice, string text, int row, float x = 50, IReadOnlyList<CandidateWord>? words = null)
    {
        var width = 20f * text.Length;
        var y = 100f * row;
        var quad = new Quad(new PointF(x, y), new PointF(x + width, y), new PointF(x + width, y + 30), new PointF(x, y + 30));
        return new CandidateLine(1000 + row, quad, text, lattice, row, words);
    }

    private ImageMatch Score(string query, params CandidateLine[] lines)
    {
        var match = scorer.Score(Compile(query), lines);
        output.WriteLine($"{query} in [{string.Join(" | ", lines.Select(l => $"{l.ReadingOrder}:{l.Text}"))}] = {match.Score:0.000} ({string.Join(", ", match.Clauses.Select(c => $"{c.Clause} {c.Evidence} {c.Score:0.000}"))})");
        return match;
    }

    [Fact]
    public void A_single_word_scores_its_best_line()
    {
        var lines = new[] { Line("hotel paris", 0), Line("grand hotel", 1, seed: 2), Line("bus stop", 2) };
        var match = Score("hotel", lines);
        var best = lines.Max(l => scorer.Spotter.Score(scorer.Spotter.Compile(new QueryTerm("hotel", false)), l.Lattice).Score);
        match.Score.Should().Be(best);
        match.Clauses.Single().Evidence.Should().Be(ClauseEvidence.Word);
        match.Spans.Should().HaveCount(2).And.OnlyContain(s => s.Text == "hotel" && s.Kind == MatchKind.WholeWord);
    }

    [Fact]
    public void A_phrase_in_one_line_beats_it_across_neighbouring_lines_beats_only_some_words()
    {
        var together = Score("\"grand hotel\"", Line("welcome to the grand hotel", 0));
        var neighbours = Score("\"grand hotel\"", Line("welcome grand", 0), Line("hotel paris", 1));
        var apart = Score("\"grand hotel\"", Line("hotel paris", 0), Line("open", 3), Line("grand", 7, x: 900));
        var some = Score("\"grand hotel\"", Line("grand plaza", 0), Line("paris", 1));
        var none = Score("\"grand hotel\"", Line("bus stop", 0));

        together.Clauses[0].Evidence.Should().Be(ClauseEvidence.PhraseInLine);
        neighbours.Clauses[0].Evidence.Should().Be(ClauseEvidence.PhraseInNeighbouringLines);
        apart.Clauses[0].Evidence.Should().Be(ClauseEvidence.PhrasePartial);
        some.Clauses[0].Evidence.Should().Be(ClauseEvidence.PhrasePartial);
        new[] { together.Score, neighbours.Score, apart.Score, some.Score, none.Score }.Should().BeInDescendingOrder();
        together.Score.Should().BeGreaterThan(0.8);
        none.Score.Should().BeLessThan(0.2);
    }

    [Fact]
    public void A_phrase_read_without_its_space_still_counts_as_one_line()
    {
        var match = Score("\"grand hotel\"", Line("grandhotel", 0));
        match.Clauses[0].Evidence.Should().Be(ClauseEvidence.PhraseInLine);
        match.Score.Should().BeGreaterThan(0.8);
        match.Spans.Single().Text.Should().Be("grandhotel");
    }

    [Fact]
    public void A_phrase_in_one_line_with_a_word_between_or_out_of_order_ranks_lower()
    {
        var together = Score("\"grand hotel\"", Line("the grand hotel", 0));
        var gap = Score("\"grand hotel\"", Line("grand old hotel", 0));
        var reversed = Score("\"grand hotel\"", Line("hotel grand", 0));
        gap.Clauses[0].Evidence.Should().Be(ClauseEvidence.PhraseInNeighbouringLines);
        reversed.Clauses[0].Evidence.Should().Be(ClauseEvidence.PhrasePartial);
        new[] { together.Score, gap.Score, reversed.Score }.Should().BeInDescendingOrder();
    }

    [Fact]
    public void Lines_side_by_side_are_neighbours_even_when_the_reading_order_disagrees()
    {
        var left = Line("grand", 0, x: 50);
        var right = Line("hotel", 0, x: 170) with { LineId = 7, ReadingOrder = 9 };
        Score("\"grand hotel\"", left, right).Clauses[0].Evidence.Should().Be(ClauseEvidence.PhraseInNeighbouringLines);
    }

    [Fact]
    public void Function_words_weigh_less_than_content_words()
    {
        var onlyContent = Score("the hotel", Line("grand hotel", 0));
        var onlyFunction = Score("the hotel", Line("the plaza", 0));
        var both = Score("the hotel", Line("the hotel", 0));
        both.Score.Should().BeGreaterThan(onlyContent.Score);
        onlyContent.Score.Should().BeGreaterThan(0.6);
        onlyFunction.Score.Should().BeLessThan(0.3);
        onlyContent.Clauses.Select(c => c.Weight).Should().Equal(scorer.Options.FunctionWordWeight, 1.0);
    }

    [Fact]
    public void Several_words_score_their_weighted_mean()
    {
        var both = Score("hotel spa", Line("hotel", 0), Line("spa", 1, seed: 3));
        var one = Score("hotel spa", Line("hotel", 0), Line("plaza", 1));
        both.Score.Should().BeApproximately(both.Clauses.Average(c => c.Score), 1e-9);
        one.Score.Should().BeLessThan(0.6 * both.Score);
        one.Score.Should().BeGreaterThan(0.35);
    }

    [Fact]
    public void A_function_word_in_a_phrase_costs_less_when_missing()
    {
        var missingFunction = Score("\"hotel of paris\"", Line("hotel", 0), Line("paris", 4, x: 900));
        var missingContent = Score("\"hotel of paris\"", Line("hotel", 0), Line("of", 4, x: 900));
        missingFunction.Score.Should().BeGreaterThan(missingContent.Score);

        // A lost function word does not break a phrase that continues on the next line.
        var dropped = Score("\"hotel of paris\"", Line("grand hotel", 0), Line("paris", 1));
        dropped.Clauses[0].Evidence.Should().Be(ClauseEvidence.PhraseInNeighbouringLines);
        dropped.Spans.Select(s => s.Text).Should().Equal("hotel", "paris");
    }

    [Fact]
    public void A_match_box_is_the_line_quad_cut_at_the_spotted_steps()
    {
        var line = Line("grand hotel", 0);
        var span = Score("hotel", line).Spans.Single();
        span.LineId.Should().Be(line.LineId);
        span.Box.MinX.Should().BeGreaterThan(line.Quad.MinX + (0.4f * line.Quad.Width));
        span.Box.MaxX.Should().BeApproximately(line.Quad.MaxX, 0.1f * line.Quad.Width);
        span.Box.MinY.Should().Be(line.Quad.MinY);
        span.Box.MaxY.Should().Be(line.Quad.MaxY);
    }

    [Fact]
    public void A_recognized_word_box_is_used_when_it_covers_the_match()
    {
        var wordBox = new Quad(new PointF(160, 0), new PointF(270, 0), new PointF(270, 30), new PointF(160, 30));
        var other = new Quad(new PointF(50, 0), new PointF(150, 0), new PointF(150, 30), new PointF(50, 30));
        var line = Line("grand hotel", 0, words: [new CandidateWord(other, "grand"), new CandidateWord(wordBox, "hotel")]);
        Score("hotel", line).Spans.Single().Box.Should().Be(wordBox);
    }

    [Fact]
    public void An_image_without_lines_scores_zero_and_cancellation_is_honoured()
    {
        var query = Compile("\"grand hotel\" spa");
        scorer.Score(query, []).Score.Should().Be(0);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var act = () => scorer.Score(query, [Line("grand hotel", 0)], cancelled.Token);
        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Long_phrases_compile_and_one_too_long_to_spot_as_a_sequence_is_scored_word_by_word()
    {
        var words = Enumerable.Range(0, 25).Select(i => $"w{(char)('a' + (i % 26))}{(char)('a' + (i / 26))}xy").ToArray();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var longest = Compile($"\"{string.Join(' ', words.Take(20))}\"");
        output.WriteLine($"20-word phrase compiled in {watch.ElapsedMilliseconds} ms");
        var tooLong = Compile($"\"{string.Join(' ', words)}\"");

        var lines = new[] { Line(string.Join(' ', words.Take(12)), 0), Line(string.Join(' ', words.Skip(12)), 1) };
        var inLine = scorer.Score(longest, [Line(string.Join(' ', words.Take(20)), 0)]);
        inLine.Clauses[0].Evidence.Should().Be(ClauseEvidence.PhraseInLine);
        inLine.Score.Should().BeGreaterThan(0.7);
        var split = scorer.Score(tooLong, lines);
        split.Clauses[0].Evidence.Should().Be(ClauseEvidence.PhraseInNeighbouringLines);
        split.Score.Should().BeInRange(0.5, 0.8);
    }

    [Fact]
    public void Scoring_a_query_over_three_hundred_candidate_lines_is_timed()
    {
        var random = new Random(21);
        var vocabulary = new[] { "grand", "hotel", "spa", "paris", "exit", "open", "cafe", "bus", "stop", "the", "of", "24h" };
        var images = Enumerable.Range(0, 60)
            .Select(image => Enumerable.Range(0, 5)
                .Select(row => Line(string.Join(' ', Enumerable.Range(0, 3).Select(_ => vocabulary[random.Next(vocabulary.Length)])), row, seed: (image * 5) + row))
                .ToArray())
            .ToArray();
        foreach (var text in new[] { "hotel spa", "\"grand hotel\" paris" })
        {
            var query = Compile(text);
            for (var warmUp = 0; warmUp < 3; warmUp++)
            {
                _ = images.Select(lines => scorer.Score(query, lines)).ToArray();
            }

            var cpu = ThreadCpuClock.NowNanoseconds();
            var scores = images.Select(lines => scorer.Score(query, lines)).ToArray();
            var milliseconds = (ThreadCpuClock.NowNanoseconds() - cpu) / 1e6;
            output.WriteLine($"{text}: 60 images x 5 lines scored in {milliseconds:0.0} ms CPU ({scores.Count(s => s.Score >= scorer.Options.MatchThreshold)} images at or above the match threshold)");
            scores.Should().OnlyContain(s => s.Score >= 0 && s.Score <= 1);
        }
    }

    [Fact]
    public void Image_scores_stay_within_zero_and_one()
    {
        var random = new Random(9);
        var words = new[] { "the", "grand", "hotel", "spa", "paris", "exit", "北京", "re16-tgk" };
        var queries = new[] { "hotel", "\"grand hotel\"", "the spa", "\"hotel of paris\" exit", "北京 re16-tgk" }.Select(Compile).ToArray();
        for (var image = 0; image < 30; image++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 6))
                .Select(row => Line(string.Join(' ', Enumerable.Range(0, random.Next(1, 4)).Select(_ => words[random.Next(words.Length)])), row, seed: image * 10 + row))
                .ToArray();
            foreach (var query in queries)
            {
                var match = scorer.Score(query, lines);
                match.Score.Should().BeInRange(0, 1);
                match.Clauses.Should().OnlyContain(c => c.Score >= 0 && c.Score <= 1);
                match.Spans.Where(s => s.Score < 0 || s.Score > 1 || s.StartStep > s.EndStep).Should().BeEmpty();
            }
        }
    }
}
