using Retrieval.Search.Query;
using Retrieval.Search.Scoring;
using Xunit.Abstractions;

namespace Retrieval.Search.Tests.Scoring;

public sealed class ReadingContextTests(ITestOutputHelper output)
{
    // A small word list made here, so the cases do not depend on which words the real list holds.
    private static readonly WordLexicon Words = new(["your", "phone", "champion", "champ", "ramen", "convention", "convent", "from", "thank", "you", "more", "shops", "hour", "to", "up"]);

    private static readonly BoundarySymbols Boundaries = new(SpottingOptions.Default.WordBoundarySymbols);

    private static QueryTerm Term(string text) => new(text, isFunctionWord: false);

    [Theory]
    [InlineData("our", "our choice", ReadingContext.Word)]
    [InlineData("our", "sell your notes", ReadingContext.InsideWord)]
    [InlineData("one", "phone", ReadingContext.InsideWord)]
    [InlineData("ion", "ramenchampion", ReadingContext.InsideWord)]
    [InlineData("ion", "conventiont", ReadingContext.InsideWord)]
    [InlineData("our", "fromour", ReadingContext.Glued)]
    [InlineData("you", "thankyou", ReadingContext.Glued)]
    [InlineData("off", "upto40%off", ReadingContext.Glued)]
    [InlineData("exit", "kexit", ReadingContext.Glued)]
    [InlineData("exit", "exiti", ReadingContext.Glued)]
    [InlineData("ion", "tions", ReadingContext.Fragment)]
    [InlineData("re16", "re16tgk", ReadingContext.Fragment)]
    [InlineData("exit", "ext", ReadingContext.Absent)]
    [InlineData("our", "your our", ReadingContext.Word)]
    public void A_term_in_a_reading_is_told_apart_by_the_token_around_it(string term, string reading, ReadingContext expected) =>
        ReadingContexts.Classify(reading, term, Boundaries, Words).Should().Be(expected);

    [Fact]
    public void Punctuation_ends_a_token()
    {
        ReadingContexts.Classify("sale!", "sale", Boundaries, Words).Should().Be(ReadingContext.Word);
        ReadingContexts.Classify("\"scan'your", "our", Boundaries, Words).Should().Be(ReadingContext.InsideWord);
    }

    [Fact]
    public void The_build_word_list_knows_common_words_and_not_fragments()
    {
        var lexicon = WordLexicon.Default;
        output.WriteLine($"{lexicon.Count} words");
        lexicon.Count.Should().BeGreaterThan(50_000);
        foreach (var word in new[] { "your", "phone", "fashion", "office", "exit", "hotel", "coffee" })
        {
            lexicon.Contains(word).Should().BeTrue(word);
        }

        foreach (var fragment in new[] { "fromour", "thankyou", "re16tgk", "tions" })
        {
            lexicon.Contains(fragment).Should().BeFalse(fragment);
        }
    }

    [Fact]
    public void A_missing_word_list_is_a_clear_error()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "words.txt");
        var load = () => WordLexicon.Load(path);
        load.Should().Throw<LexiconUnavailableException>().WithMessage("*could not be read*fetch-native-deps.sh*");
    }

    [Fact]
    public void A_term_inside_a_known_word_ranks_below_a_fragment_which_ranks_below_a_glued_word()
    {
        var spotter = new LatticeSpotter(lexicon: Words);
        var our = spotter.Compile(Term("our"));
        var whole = spotter.Score(our, SyntheticLattice.Read("our"), "our");
        var glued = spotter.Score(our, SyntheticLattice.Read("fromour"), "fromour");
        var fragment = spotter.Score(our, SyntheticLattice.Read("harbourfront"), "harbourfront");
        var insideWord = spotter.Score(our, SyntheticLattice.Read("your"), "your");
        output.WriteLine($"whole {whole}\nglued {glued}\nfragment {fragment}\ninside a word {insideWord}");
        whole.Kind.Should().Be(MatchKind.WholeWord);
        whole.Score.Should().BeGreaterThan(glued.Score);
        glued.Score.Should().BeGreaterThan(fragment.Score);
        fragment.Score.Should().BeGreaterThan(insideWord.Score);

        // Each is its weight times the probability root (the clean lattices contain "our" almost surely).
        var root = Math.Pow(glued.SubstringProbability, 1.0 / 3);
        glued.Score.Should().BeApproximately(SpottingOptions.Default.GluedWordWeight * root, 1e-9);
        insideWord.Score.Should().BeApproximately(SpottingOptions.Default.InsideWordWeight * Math.Pow(insideWord.SubstringProbability, 1.0 / 3), 1e-9);
        fragment.Score.Should().BeApproximately(SpottingOptions.Default.SubstringWeight * Math.Pow(fragment.SubstringProbability, 1.0 / 3), 1e-9);
    }

    [Fact]
    public void Without_a_reading_or_with_an_empty_word_list_the_lattice_alone_scores()
    {
        var withWords = new LatticeSpotter(lexicon: Words);
        var without = new LatticeSpotter(lexicon: WordLexicon.Empty);
        var lattice = SyntheticLattice.Read("your");
        var lattice2 = SyntheticLattice.Read("fromour");
        var our = withWords.Compile(Term("our"));
        withWords.Score(our, lattice, null).Should().Be(withWords.Score(our, lattice));
        without.Score(without.Compile(Term("our")), lattice, "your").Should().Be(withWords.Score(our, lattice));
        without.Score(without.Compile(Term("our")), lattice2, "fromour").Should().Be(withWords.Score(our, lattice2));
    }

    [Theory]
    [InlineData("our", "your")]
    [InlineData("our", "fromour")]
    [InlineData("our", "our choice")]
    [InlineData("re16", "re16tgk")]
    [InlineData("ion", "fashion")]
    public void A_reading_never_lifts_a_score_above_the_probability_root(string term, string line)
    {
        var spotter = new LatticeSpotter(lexicon: Words);
        var pattern = spotter.Compile(Term(term));
        var score = spotter.Score(pattern, SyntheticLattice.Misread(line, line.Length - 1, '0', 0.2f), line);
        score.Score.Should().BeLessThanOrEqualTo(Math.Pow(score.SubstringProbability, 1.0 / pattern.NormalizationLength) + 1e-12);
    }
}
