using Retrieval.Models.Text;
using Retrieval.Search.Query;

namespace Retrieval.Search.Tests.Query;

public sealed class QueryParserTests
{
    private readonly QueryParser parser = new();

    private ParsedQuery Parse(string text) => parser.Parse(text, TextFolding.Default);

    private static string[] Words(ParsedQuery query) => query.Terms.Select(t => t.Text).ToArray();

    [Fact]
    public void Words_are_folded_to_lower_case_and_compatibility_forms()
    {
        var query = Parse("ＨＯＴＥＬ Spa  CAFÉ");
        Words(query).Should().Equal("hotel", "spa", "café");
        query.Clauses.Should().OnlyContain(c => !c.IsPhrase);
        query.Folding.Should().Be(TextFolding.Default);
    }

    [Fact]
    public void The_folding_comes_from_the_caller()
    {
        Words(parser.Parse("Hotel CAFÉ", TextFolding.None)).Should().Equal("Hotel", "CAFÉ");
        Words(parser.Parse("Hotel CAFÉ", TextFolding.Case | TextFolding.Accents)).Should().Equal("hotel", "cafe");
    }

    [Fact]
    public void A_quoted_phrase_is_one_clause_and_other_words_stand_alone()
    {
        var query = Parse("spa \"Grand Hotel\" paris");
        query.Clauses.Should().HaveCount(3);
        query.Clauses[1].IsPhrase.Should().BeTrue();
        query.Clauses[1].Text.Should().Be("grand hotel");
        query.Clauses[1].ToString().Should().Be("\"grand hotel\"");
        Words(query).Should().Equal("spa", "grand", "hotel", "paris");
    }

    [Fact]
    public void Typographic_quotes_make_phrases_too()
    {
        var query = Parse("\u201Cgrand hotel\u201D");
        query.Clauses.Should().ContainSingle().Which.IsPhrase.Should().BeTrue();
    }

    [Fact]
    public void An_unbalanced_quote_runs_to_the_end_of_the_query()
    {
        var query = Parse("spa \"grand hotel");
        query.Clauses.Should().HaveCount(2);
        query.Clauses[1].IsPhrase.Should().BeTrue();
        query.Clauses[1].Text.Should().Be("grand hotel");
    }

    [Fact]
    public void A_quoted_single_word_is_a_plain_word()
    {
        Parse("\"hotel\"").Clauses.Should().ContainSingle().Which.IsPhrase.Should().BeFalse();
    }

    [Theory]
    [InlineData("RE16-TGK", "re16-tgk")]
    [InlineData("o'clock", "o'clock")]
    [InlineData("7-Eleven", "7-eleven")]
    [InlineData("www.site.com", "www.site.com")]
    [InlineData("(spa)", "spa")]
    [InlineData("hotel,", "hotel")]
    [InlineData("...exit!", "exit")]
    [InlineData("50%", "50%")]
    [InlineData("#1", "#1")]
    [InlineData("$5", "$5")]
    [InlineData("c++", "c++")]
    public void Punctuation_is_trimmed_from_word_ends_and_kept_inside(string typed, string term)
    {
        Words(Parse(typed)).Should().Equal(term);
    }

    [Fact]
    public void A_run_of_chinese_characters_is_one_term_without_word_boundaries()
    {
        var query = Parse("北京饭店 hotel");
        Words(query).Should().Equal("北京饭店", "hotel");
        query.Terms[0].RequiresWordBoundary.Should().BeFalse();
        query.Terms[0].Symbols.Should().HaveCount(4);
        query.Terms[1].RequiresWordBoundary.Should().BeTrue();
    }

    [Fact]
    public void Characters_outside_the_basic_plane_are_one_symbol_each()
    {
        Parse("𠀀𠀁").Terms[0].Symbols.Should().Equal(0x20000, 0x20001);
    }

    [Fact]
    public void Function_words_are_marked_and_the_list_is_configurable()
    {
        var query = Parse("The Hotel of Paris");
        query.Terms.Select(t => t.IsFunctionWord).Should().Equal(true, false, true, false);

        var custom = new QueryParser(new QueryParserOptions { FunctionWords = new HashSet<string> { "Paris" } });
        custom.Parse("the paris", TextFolding.Default).Terms.Select(t => t.IsFunctionWord).Should().Equal(false, true);
    }

    [Fact]
    public void Repeated_words_count_once()
    {
        Words(Parse("hotel HOTEL hotel spa")).Should().Equal("hotel", "spa");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n ")]
    [InlineData("\"\"")]
    [InlineData("\u0000\u0007")]
    public void An_empty_query_is_refused_with_a_clear_message(string typed)
    {
        var act = () => Parse(typed);
        act.Should().Throw<QueryException>().Where(e => e.Kind == QueryErrorKind.Empty && e.Message.Contains("at least one word", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("... , ;")]
    [InlineData("\"?!\"")]
    public void A_query_of_only_punctuation_is_refused(string typed)
    {
        var act = () => Parse(typed);
        act.Should().Throw<QueryException>().Where(e => e.Kind == QueryErrorKind.NothingSearchable && e.Message.Contains("only punctuation", StringComparison.Ordinal));
    }

    [Fact]
    public void A_ten_kilobyte_query_is_refused_before_any_work()
    {
        var act = () => Parse(new string('a', 10 * 1024));
        act.Should().Throw<QueryException>().Where(e => e.Kind == QueryErrorKind.TooLong && e.Message.Contains("10,240", StringComparison.Ordinal));
    }

    [Fact]
    public void Too_many_words_and_too_long_words_are_refused()
    {
        var many = () => Parse(string.Join(' ', Enumerable.Range(0, 40).Select(i => $"w{i}")));
        many.Should().Throw<QueryException>().Where(e => e.Kind == QueryErrorKind.TooManyTerms);
        var longWord = () => Parse(new string('x', 60));
        longWord.Should().Throw<QueryException>().Where(e => e.Kind == QueryErrorKind.TermTooLong && e.Message.Contains("60 characters", StringComparison.Ordinal));
    }

    [Fact]
    public void Control_characters_and_broken_surrogates_separate_words_and_never_crash()
    {
        Words(Parse("hotel\u0000spa\u001Bexit")).Should().Equal("hotel", "spa", "exit");
        Words(Parse("ab\uD800cd \uDC00x")).Should().Equal("ab", "cd", "x");
        Words(Parse("zero\u200Bwidth")).Should().Equal("zero", "width");
    }

    [Fact]
    public void Arbitrary_input_either_parses_or_throws_a_query_exception()
    {
        var random = new Random(3);
        var alphabet = "ab \"'-.,!?\t\u0000\uD800\uDC00北京ＡＢ«»()".ToCharArray();
        for (var i = 0; i < 2000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 30)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            try
            {
                var query = Parse(text);
                query.Terms.Should().NotBeEmpty();
                query.Terms.Should().OnlyContain(t => t.Symbols.Length > 0);
            }
            catch (QueryException)
            {
            }
        }
    }

    [Fact]
    public void Invalid_parser_options_are_all_reported_at_once()
    {
        var act = () => new QueryParser(new QueryParserOptions { MaxTerms = 0, MaxQueryLength = -1, MaxTermLength = 500 });
        act.Should().Throw<ArgumentException>().Which.Message.Should()
            .Contain("MaxTerms").And.Contain("MaxQueryLength").And.Contain("MaxTermLength");
    }
}
