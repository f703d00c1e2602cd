using System.Diagnostics;
using Retrieval.Models.Geometry;
using Retrieval.Models.Text;
using Retrieval.Search.Query;
using Retrieval.Search.Scoring;
using Xunit.Abstractions;

namespace Retrieval.Search.Tests.Scoring;

public sealed class LatticeSpotterTests(ITestOutputHelper output)
{
    private readonly LatticeSpotter spotter = new();

    private static QueryTerm Term(string text) => new(text, isFunctionWord: false);

    private TermScore Score(string term, ReadingLattice lattice) => spotter.Score(spotter.Compile(Term(term)), lattice);

    [Fact]
    public void The_synthetic_lattices_read_as_their_text()
    {
        SyntheticLattice.BestReading(SyntheticLattice.Read("grand hotel 2024")).Should().Be("grand hotel 2024");
        SyntheticLattice.BestReading(SyntheticLattice.Read("coffee")).Should().Be("coffee");
        SyntheticLattice.BestReading(SyntheticLattice.Misread("re16", 1, 'f')).Should().Be("rf16");
    }

    [Theory]
    [InlineData("hotel", "grand hotel paris")]
    [InlineData("hotel", "hotel")]
    [InlineData("coffee", "fresh coffee")]
    [InlineData("2024", "since 2024")]
    [InlineData("paris", "grand hotel paris")]
    public void An_exact_word_scores_high(string term, string line)
    {
        var score = Score(term, SyntheticLattice.Read(line));
        output.WriteLine($"{term} in '{line}': {score}");
        score.Score.Should().BeGreaterThan(0.8);
        score.Kind.Should().Be(MatchKind.WholeWord);
    }

    [Theory]
    [InlineData("hotel", "grand plaza paris")]
    [InlineData("exit", "welcome")]
    [InlineData("re16", "tgk 2024")]
    [InlineData("station", "sta")]
    public void An_absent_word_scores_low(string term, string line)
    {
        var score = Score(term, SyntheticLattice.Read(line));
        output.WriteLine($"{term} in '{line}': {score}");
        score.Score.Should().BeLessThan(0.3);
    }

    [Fact]
    public void A_misread_character_costs_some_of_the_score_not_all_of_it()
    {
        var exact = Score("hotel", SyntheticLattice.Read("grand hotel"));
        var listed = Score("hotel", SyntheticLattice.Misread("grand hotel", 8, 'f', trueProbability: 0.12f));
        var unlisted = Score("hotel", SyntheticLattice.Misread("grand hotel", 8, 'f', trueProbability: 0));
        output.WriteLine($"exact {exact}\nsecond choice {listed}\nunlisted {unlisted}");
        listed.Score.Should().BeInRange(0.45, 0.8);
        unlisted.Score.Should().BeInRange(0.05, listed.Score);
        exact.Score.Should().BeGreaterThan(listed.Score);
    }

    [Fact]
    public void Whole_word_ranks_above_substring_above_misread_whole_word_above_misread_substring()
    {
        var term = spotter.Compile(Term("re16"));
        var wholeExact = spotter.Score(term, SyntheticLattice.Read("re16"));
        var substringExact = spotter.Score(term, SyntheticLattice.Read("re16tgk"));
        var wholeFuzzy = spotter.Score(term, SyntheticLattice.Misread("re16", 1, 'f', 0.15f));
        var substringFuzzy = spotter.Score(term, SyntheticLattice.Misread("re16tgk", 1, 'f', 0.15f));
        output.WriteLine($"whole {wholeExact}\nsubstring {substringExact}\nfuzzy whole {wholeFuzzy}\nfuzzy substring {substringFuzzy}");
        wholeExact.Kind.Should().Be(MatchKind.WholeWord);
        substringExact.Kind.Should().Be(MatchKind.Substring);
        wholeFuzzy.Kind.Should().Be(MatchKind.WholeWord);
        wholeExact.Score.Should().BeGreaterThan(substringExact.Score);
        substringExact.Score.Should().BeGreaterThan(wholeFuzzy.Score);
        wholeFuzzy.Score.Should().BeGreaterThan(substringFuzzy.Score);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void The_ranking_order_holds_across_seeds_and_word_lengths(int seed)
    {
        foreach (var word in new[] { "spa", "exit", "hotel", "station", "restaurant" })
        {
            var term = spotter.Compile(Term(word));
            var misreadAt = word.Length / 2;
            var wrong = word[misreadAt] == 'x' ? 'y' : 'x';
            var scores = new[]
            {
                spotter.Score(term, SyntheticLattice.Read($"the {word} now", seed)).Score,
                spotter.Score(term, SyntheticLattice.Read($"the {word}ing now", seed)).Score,
                spotter.Score(term, SyntheticLattice.Misread($"the {word} now", 4 + misreadAt, wrong, 0.15f, seed)).Score,
                spotter.Score(term, SyntheticLattice.Misread($"the {word}ing now", 4 + misreadAt, wrong, 0.15f, seed)).Score,
            };
            output.WriteLine($"{word}: {string.Join(" > ", scores.Select(s => s.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))}");
            scores.Should().BeInDescendingOrder();
            scores.Distinct().Should().HaveCount(4);
        }
    }

    [Fact]
    public void Punctuation_next_to_a_word_is_a_word_boundary()
    {
        Score("hotel", SyntheticLattice.Read("hotel, spa")).Kind.Should().Be(MatchKind.WholeWord);
        Score("spa", SyntheticLattice.Read("(spa)")).Kind.Should().Be(MatchKind.WholeWord);
        Score("re16", SyntheticLattice.Read("re16-tgk")).Kind.Should().Be(MatchKind.WholeWord);
    }

    [Fact]
    public void Punctuation_inside_a_term_is_optional_and_may_read_as_a_space()
    {
        var term = spotter.Compile(Term("re16-tgk"));
        foreach (var line in new[] { "re16-tgk", "re16tgk", "re16 tgk", "bus re16-tgk" })
        {
            var score = spotter.Score(term, SyntheticLattice.Read(line));
            output.WriteLine($"{line}: {score}");
            score.Score.Should().BeGreaterThan(0.8, line);
        }

        Score("o'clock", SyntheticLattice.Read("five o\u2019clock")).Score.Should().BeGreaterThan(0.8);
        Score("www.site.com", SyntheticLattice.Read("visit www.site.com")).Score.Should().BeGreaterThan(0.75);
        Score("7-eleven", SyntheticLattice.Read("7-eleven")).Score.Should().BeGreaterThan(0.8);
    }

    [Fact]
    public void Doubled_letters_need_a_blank_between_them_as_in_ctc()
    {
        var coffee = Score("coffee", SyntheticLattice.Read("coffee"));
        var cofee = Score("coffee", SyntheticLattice.Read("cofe"));
        output.WriteLine($"coffee {coffee}, cofe {cofee}");
        coffee.Score.Should().BeGreaterThan(0.8);
        cofee.Score.Should().BeLessThan(0.3);
    }

    [Fact]
    public void A_chinese_term_is_found_inside_a_run_of_chinese_text_as_a_whole_match()
    {
        var parsed = new QueryParser().Parse("饭店", TextFolding.Default);
        var term = spotter.Compile(parsed.Terms[0]);
        term.RequiresWordBoundary.Should().BeFalse();
        var inside = spotter.Score(term, SyntheticLattice.Read("北京饭店欢迎您"));
        var absent = spotter.Score(term, SyntheticLattice.Read("北京欢迎您"));
        output.WriteLine($"inside {inside}, absent {absent}");
        inside.Score.Should().BeGreaterThan(0.8);
        inside.Kind.Should().Be(MatchKind.WholeWord);
        absent.Score.Should().BeLessThan(0.3);
    }

    [Fact]
    public void The_located_span_cuts_the_words_box_out_of_the_line_quad()
    {
        var line = SyntheticLattice.Build("grand hotel paris", LatticeStyle.Clean);
        var quad = new Quad(new PointF(100, 50), new PointF(500, 50), new PointF(500, 80), new PointF(100, 80));
        var result = spotter.Spot(spotter.Compile(Term("hotel")), line.Lattice);
        var span = result.Span!;
        var steps = (float)line.Lattice.Steps;
        output.WriteLine($"{span} cells {line.CellStart[6]}..{line.CellEnd[10]} of {steps}");

        span.Text.Should().Be("hotel");
        span.StartStep.Should().BeInRange(line.CellStart[6], line.CellEnd[6]);
        span.EndStep.Should().BeInRange(line.CellStart[10], line.CellEnd[10] + 2);
        span.From.Should().BeLessThanOrEqualTo(span.StartStep / steps);
        span.To.Should().BeGreaterThanOrEqualTo((span.EndStep + 1) / steps);

        var box = span.BoxIn(quad);
        var expectedLeft = 100 + (400 * line.CellStart[6] / steps);
        var expectedRight = 100 + (400 * (line.CellEnd[10] + 1) / steps);
        var step = 400 / steps;
        box.TopLeft.X.Should().BeApproximately(expectedLeft, 1.5f * step);
        box.TopRight.X.Should().BeApproximately(expectedRight, 1.5f * step);
        box.TopLeft.Y.Should().Be(50);
        box.BottomRight.Y.Should().Be(80);
    }

    [Fact]
    public void A_span_is_found_for_a_misread_match_and_a_match_at_the_line_end()
    {
        var fuzzy = spotter.Spot(spotter.Compile(Term("hotel")), SyntheticLattice.Misread("grand hotel", 8, 'f', 0.12f));
        fuzzy.Span!.Text.Should().Be("hofel");
        var end = spotter.Spot(spotter.Compile(Term("paris")), SyntheticLattice.Read("hotel paris"));
        end.Span!.Text.Should().Be("paris");
        end.Span.EndStep.Should().BeGreaterThan(end.Span.Steps - 5);
        var substring = spotter.Spot(spotter.Compile(Term("tel")), SyntheticLattice.Read("hotel paris"));
        substring.Score.Kind.Should().Be(MatchKind.Substring);
        substring.Span!.Text.Should().Be("tel");
    }

    [Fact]
    public void Scores_stay_within_zero_and_one_on_random_and_degenerate_lattices()
    {
        var random = new Random(11);
        var terms = new[] { "a", "hotel", "re16-tgk", "饭店", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "o'clock" }.Select(t => spotter.Compile(Term(t))).ToArray();
        var lattices = new List<ReadingLattice> { ReadingLattice.Empty, SyntheticLattice.Read("a"), SyntheticLattice.Read("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz") };
        for (var i = 0; i < 50; i++)
        {
            lattices.Add(RandomLattice(random));
        }

        foreach (var lattice in lattices)
        {
            foreach (var term in terms)
            {
                var score = spotter.Score(term, lattice);
                score.Score.Should().BeInRange(0, 1);
                score.WholeWordProbability.Should().BeInRange(0, 1);
                score.SubstringProbability.Should().BeInRange(0, 1);
                score.WholeWordProbability.Should().BeLessThanOrEqualTo(score.SubstringProbability);
                var span = spotter.Locate(term, lattice, score.Kind);
                if (span is not null)
                {
                    span.From.Should().BeInRange(0, 1);
                    span.To.Should().BeInRange(span.From, 1);
                }
            }
        }
    }

    [Fact]
    public void A_lattice_that_went_through_the_stored_format_scores_the_same()
    {
        var lattice = SyntheticLattice.Read("grand hotel paris");
        var stored = LatticeCodec.Decode(LatticeCodec.Encode(lattice));
        var before = Score("hotel", lattice).Score;
        var after = Score("hotel", stored).Score;
        after.Should().BeApproximately(before, 0.03);
    }

    [Fact]
    public void Invalid_options_are_all_reported_at_once()
    {
        var act = () => new LatticeSpotter(new SpottingOptions { SubstringWeight = 0, LengthNormalizationCap = 0, WordBoundarySymbols = "," });
        act.Should().Throw<ArgumentException>()
            .Which.Message.Should().Contain("SubstringWeight").And.Contain("LengthNormalizationCap").And.Contain("WordBoundarySymbols");
    }

    [Fact]
    public void Scoring_speed_is_printed_for_forty_steps_and_a_six_letter_term()
    {
        var term = spotter.Compile(Term("coffee"));
        var random = new Random(5);
        var words = new[] { "coffee", "hotel", "exit", "open", "24h", "cafe", "toffee", "office", "bus", "stop", "re16" };
        var lattices = Enumerable.Range(0, 200)
            .Select(i => string.Join(' ', Enumerable.Range(0, 4).Select(_ => words[random.Next(words.Length)])))
            .Select((text, i) => Truncate(SyntheticLattice.Read(text, seed: i), 40))
            .ToArray();
        foreach (var lattice in lattices)
        {
            spotter.Score(term, lattice);
        }

        const int Rounds = 50;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpuClock.NowNanoseconds();
        var wall = Stopwatch.StartNew();
        for (var r = 0; r < Rounds; r++)
        {
            foreach (var lattice in lattices)
            {
                spotter.Score(term, lattice);
            }
        }

        wall.Stop();
        var cpuPerLine = (ThreadCpuClock.NowNanoseconds() - cpu) / (Rounds * lattices.Length);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"Score: {cpuPerLine:0} ns CPU per line ({wall.Elapsed.TotalNanoseconds / (Rounds * lattices.Length):0} ns wall), T=40, term length 6, {allocated / (Rounds * lattices.Length)} bytes allocated per line");
        allocated.Should().BeLessThan(Rounds * lattices.Length, "scoring a line allocates nothing");

        const int LocateRounds = 10;
        for (var round = 0; round <= LocateRounds; round++)
        {
            // Round 0 warms the JIT up; the others are timed.
            cpu = round == 1 ? ThreadCpuClock.NowNanoseconds() : cpu;
            foreach (var lattice in lattices)
            {
                spotter.Locate(term, lattice, MatchKind.WholeWord);
            }
        }

        output.WriteLine($"Locate: {(ThreadCpuClock.NowNanoseconds() - cpu) / (LocateRounds * lattices.Length):0} ns CPU per line");
    }

    /// <summary>A lattice with arbitrary (not peaked) distributions, including overdrawn steps.</summary>
    private static ReadingLattice RandomLattice(Random random)
    {
        var steps = random.Next(1, 80);
        var blank = new float[steps];
        var stepStart = new int[steps + 1];
        var symbols = new List<int>();
        var probabilities = new List<float>();
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 -'.饭店";
        for (var t = 0; t < steps; t++)
        {
            blank[t] = (float)random.NextDouble();
            var k = random.Next(0, 5);
            for (var i = 0; i < k; i++)
            {
                symbols.Add(Alphabet[random.Next(Alphabet.Length)]);
                probabilities.Add((float)(random.NextDouble() * 0.6));
            }

            stepStart[t + 1] = symbols.Count;
        }

        return new ReadingLattice(blank, stepStart, symbols.ToArray(), probabilities.ToArray());
    }

    private static ReadingLattice Truncate(ReadingLattice lattice, int steps)
    {
        var blank = new float[steps];
        var stepStart = new int[steps + 1];
        var symbols = new List<int>();
        var probabilities = new List<float>();
        for (var t = 0; t < steps; t++)
        {
            var source = t % lattice.Steps;
            blank[t] = lattice.BlankProbability(source);
            symbols.AddRange(lattice.SymbolsAt(source).ToArray());
            probabilities.AddRange(lattice.ProbabilitiesAt(source).ToArray());
            stepStart[t + 1] = symbols.Count;
        }

        return new ReadingLattice(blank, stepStart, symbols.ToArray(), probabilities.ToArray());
    }
}
