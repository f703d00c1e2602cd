using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.Store;

public sealed class SqliteCandidateTests : IDisposable
{
    private readonly TempIndexDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_word_misread_in_the_best_path_is_found_through_the_lattice_alternatives()
    {
        // Best path "exlt", second choice at the third character "i": "exit" is an alternative.
        var lattice = new LatticeBuilder().Character("e").Character("x").Confused("l", 0.55f, "i", 0.4f).Character("t").Build();
        using var store = directory.Open();
        await store.WriteAsync([Image("/photos/a.jpg", Line("exlt", lattice)), Image("/photos/b.jpg", "next text")]);
        var lineId = await LineIdAsync(store, "/photos/a.jpg");

        var candidates = await store.CandidateLinesAsync("exit", 10);

        candidates[0].Should().Be(new LineCandidate(lineId, 5, 5));
    }

    [Fact]
    public async Task A_long_word_with_one_misread_character_and_no_alternative_still_shares_most_trigrams()
    {
        using var store = directory.Open();
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
        using var store = directory.Open();
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
        using var store = directory.Open();
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
        // Read as 银汗 with 行 as second choice for the second character.
        var lattice = new LatticeBuilder().Character("银").Confused("汗", 0.5f, "行", 0.45f).Build();
        using var store = directory.Open();
        await store.WriteAsync([Image("/photos/a.jpg", Line("银汗", lattice))]);

        (await store.CandidateLinesAsync("银行", 10)).Should().ContainSingle();
    }

    [Fact]
    public async Task Results_are_bounded_by_the_limit_and_odd_terms_are_harmless()
    {
        using var store = directory.Open();
        await store.WriteAsync(Enumerable.Range(0, 30).Select(i => Image($"/photos/{i}.jpg", $"sale {i}")).ToList());

        (await store.CandidateLinesAsync("sale", 7)).Should().HaveCount(7);
        (await store.CandidateLinesAsync("s", 5)).Should().HaveCount(5);
        (await store.CandidateLinesAsync("sale", 0)).Should().BeEmpty();
        (await store.CandidateLinesAsync(string.Empty, 10)).Should().BeEmpty();
        (await store.CandidateLinesAsync("  ", 10)).Should().BeEmpty();
        (await store.CandidateLinesAsync("\"sa\" OR le*", 10)).Should().BeEmpty();
        (await store.CandidateLinesAsync("\"", 10)).Should().BeEmpty();
    }

    private static async Task<long> LineIdAsync(SqliteIndexStore store, string path)
    {
        var image = await store.FindImageAsync(ImageKey.ForFile(path));
        return (await store.GetImageLinesAsync(image!.Id))[0].Id;
    }
}
