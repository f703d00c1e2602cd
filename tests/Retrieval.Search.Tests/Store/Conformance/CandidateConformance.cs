using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;
using Xunit.Abstractions;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.Store.Conformance;

/// <summary>The candidate lookup contract of <see cref="IIndexStore.CandidateLinesAsync"/>, identical on every store.</summary>
public abstract class CandidateConformance(ITestOutputHelper output) : StoreConformanceTest(output)
{
    [Fact]
    public async Task A_word_misread_in_the_best_path_is_found_through_the_lattice_alternatives()
    {
        if (Skipped())
        {
            return;
        }

        // Best path "exlt", second choice at the third character "i": "exit" is an alternative.
        var lattice = new LatticeBuilder().Character("e").Character("x").Confused("l", 0.55f, "i", 0.4f).Character("t").Build();
        using var store = await OpenAsync();
        await store.WriteAsync([Image("/photos/a.jpg", Line("exlt", lattice)), Image("/photos/b.jpg", "next text")]);
        var lineId = await LineIdAsync(store, "/photos/a.jpg");

        var candidates = await store.CandidateLinesAsync("exit", 10);

        candidates[0].Should().Be(new LineCandidate(lineId, 5, 5));
    }

    [Fact]
    public async Task A_long_word_with_one_misread_character_and_no_alternative_still_shares_most_trigrams()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        await store.WriteAsync(
        [
            Image("/photos/a.jpg", "restaurant"),
            Image("/photos/b.jpg", "restaunant open"),
            Image("/photos/c.jpg", "rest area"),
            Image("/photos/d.jpg", "nothing alike"),
        ]);
        var exact = await LineIdAsync(store, "/photos/a.jpg");
        var misread = await LineIdAsync(store, "/photos/b.jpg");
        var partial = await LineIdAsync(store, "/photos/c.jpg");

        var candidates = await store.CandidateLinesAsync("restaurant", 10);

        // 8 distinct trigrams; the misread "n" for "r" breaks 3 of them; "rest area" shares "res" and "est".
        candidates.Select(c => (c.LineId, c.MatchedGrams, c.TotalGrams)).Should().Equal((exact, 8, 8), (misread, 5, 8), (partial, 2, 8));
    }

    [Fact]
    public async Task A_four_letter_word_with_one_misread_character_is_found_through_its_bigrams()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        await store.WriteAsync([Image("/photos/a.jpg", "stop"), Image("/photos/b.jpg", "st0p"), Image("/photos/c.jpg", "xyz")]);
        var exact = await LineIdAsync(store, "/photos/a.jpg");
        var misread = await LineIdAsync(store, "/photos/b.jpg");

        var candidates = await store.CandidateLinesAsync("stop", 10);

        // Grams: "sto", "top", "st", "to", "op". The misread line keeps only "st".
        candidates.Select(c => (c.LineId, c.MatchedGrams, c.TotalGrams)).Should().Equal((exact, 5, 5), (misread, 1, 5));
    }

    [Fact]
    public async Task Terms_of_one_or_two_characters_are_matched_exactly()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        await store.WriteAsync(
        [
            Image("/photos/a.jpg", "中国银行"),
            Image("/photos/b.jpg", "银座"),
            Image("/photos/c.jpg", "out of order"),
        ]);
        var bank = await LineIdAsync(store, "/photos/a.jpg");
        var ginza = await LineIdAsync(store, "/photos/b.jpg");
        var english = await LineIdAsync(store, "/photos/c.jpg");

        (await store.CandidateLinesAsync("银", 10)).Select(c => c.LineId).Should().Equal(bank, ginza);
        (await store.CandidateLinesAsync("银行", 10)).Should().Equal(new LineCandidate(bank, 1, 1));
        (await store.CandidateLinesAsync("行银", 10)).Should().BeEmpty();
        (await store.CandidateLinesAsync("of", 10)).Select(c => c.LineId).Should().Equal(english);
        (await store.CandidateLinesAsync("f o", 10)).Should().NotContain(c => c.LineId == bank);
    }

    [Fact]
    public async Task A_short_term_is_found_in_an_alternative_reading()
    {
        if (Skipped())
        {
            return;
        }

        // Read as 银汗 with 行 as second choice for the second character.
        var lattice = new LatticeBuilder().Character("银").Confused("汗", 0.5f, "行", 0.45f).Build();
        using var store = await OpenAsync();
        await store.WriteAsync([Image("/photos/a.jpg", Line("银汗", lattice))]);

        (await store.CandidateLinesAsync("银行", 10)).Should().ContainSingle();
    }

    [Fact]
    public async Task Case_punctuation_and_like_wildcards_are_matched_literally()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        await store.WriteAsync(
        [
            Image("/photos/a.jpg", "50% OFF_today"),
            Image("/photos/b.jpg", "50x off today"),
            Image("/photos/c.jpg", @"C:\path\x"),
            Image("/photos/d.jpg", "FFxt"),
            Image("/photos/e.jpg", "spam"),
        ]);
        var a = await LineIdAsync(store, "/photos/a.jpg");
        var b = await LineIdAsync(store, "/photos/b.jpg");
        var c = await LineIdAsync(store, "/photos/c.jpg");
        var d = await LineIdAsync(store, "/photos/d.jpg");
        var e = await LineIdAsync(store, "/photos/e.jpg");

        // "%", "_" and "\" are characters like any other, never wildcards or escapes; case counts.
        (await Ranked(store, "0% O")).Should().Equal((a, 3));
        (await Ranked(store, "OFF")).Should().Equal((a, 3), (d, 1));
        (await Ranked(store, "off")).Should().Equal((b, 3));
        (await Ranked(store, "F_t")).Should().Equal((a, 3));
        (await Ranked(store, @"\pa")).Should().Equal((c, 3), (e, 1));
    }

    private static async Task<List<(long, int)>> Ranked(IIndexStore store, string term) =>
        (await store.CandidateLinesAsync(term, 10)).Select(x => (x.LineId, x.MatchedGrams)).ToList();

    [Fact]
    public async Task Results_are_bounded_by_the_limit_and_odd_terms_are_harmless()
    {
        if (Skipped())
        {
            return;
        }

        using var store = await OpenAsync();
        await store.WriteAsync(Enumerable.Range(0, 30).Select(i => Image($"/photos/{i}.jpg", $"sale {i}")).ToList());

        (await store.CandidateLinesAsync("sale", 7)).Should().HaveCount(7);
        (await store.CandidateLinesAsync("s", 5)).Should().HaveCount(5);
        (await store.CandidateLinesAsync("sale", 0)).Should().BeEmpty();
        (await store.CandidateLinesAsync(string.Empty, 10)).Should().BeEmpty();
        (await store.CandidateLinesAsync("  ", 10)).Should().BeEmpty();
        (await store.CandidateLinesAsync("\"sa\" OR le*", 10)).Should().BeEmpty();
        (await store.CandidateLinesAsync("\"", 10)).Should().BeEmpty();
    }
}
