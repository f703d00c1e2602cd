using Retrieval.Search.Query;
using Retrieval.Search.Scoring;
using Retrieval.Search.Store;
using Retrieval.Search.Tests.Store;
using Retrieval.TestSupport.Text;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests;

public sealed class SearcherTests : IDisposable
{
    private static readonly string[] Queries = ["hotel", "exit", "spa hotel", "\"grand hotel\"", "hotel the"];

    private readonly TempIndexDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Ranking_lattices_and_explaining_only_the_page_gives_what_scoring_every_candidate_in_full_gives()
    {
        using var store = directory.Open();
        await store.WriteAsync(Collection());
        var searcher = Searcher.Create(store);
        var options = SearchOptions.Default with { Top = 5, MinScore = 0.01 };

        foreach (var query in Queries)
        {
            var response = await searcher.SearchAsync(query, options, CancellationToken.None);
            var expected = await ScoreEveryCandidateInFullAsync(store, query, options);

            response.Hits.Should().NotBeEmpty(query);
            response.TotalMatches.Should().Be(expected.Count, query);
            response.Hits.Select(h => (h.Image.Id, h.Score)).Should().Equal(expected.Take(options.Top).Select(e => (e.ImageId, e.Match.Score)), query);
            for (var i = 0; i < response.Hits.Count; i++)
            {
                response.Hits[i].Matches.Should().BeEquivalentTo(expected[i].Match.Spans.OrderByDescending(s => s.Score), o => o.WithStrictOrdering(), query);
            }
        }
    }

    [Fact]
    public async Task Splitting_the_ranking_across_threads_changes_no_result()
    {
        using var store = directory.Open();
        await store.WriteAsync(Enumerable.Range(0, 160).Select(i => Image($"/photos/{i:D3}.jpg", $"hotel {i}", $"hostel {i % 7}", $"hot tel {i}", "motel")).ToList());
        var searcher = Searcher.Create(store);

        foreach (var query in new[] { "hotel", "\"hot tel\"" })
        {
            var one = await searcher.SearchAsync(query, SearchOptions.Default with { Top = 50, Parallelism = 1 }, CancellationToken.None);
            var four = await searcher.SearchAsync(query, SearchOptions.Default with { Top = 50, Parallelism = 4 }, CancellationToken.None);

            one.CandidateLines.Should().BeGreaterThanOrEqualTo(512, "so that the ranking is split");
            four.TotalMatches.Should().Be(one.TotalMatches);
            four.Hits.Select(h => (h.Image.Id, h.Score)).Should().Equal(one.Hits.Select(h => (h.Image.Id, h.Score)));
        }
    }

    [Fact]
    public async Task A_word_of_one_or_two_letters_beside_a_longer_word_adds_no_candidates_of_its_own_but_still_counts()
    {
        using var store = directory.Open();
        var ids = await store.WriteAsync(
        [
            Image("/photos/both.jpg", "optical 88"),
            Image("/photos/long.jpg", "optical shop"),
            Image("/photos/short.jpg", "88 keys"),
            Image("/photos/chinese.jpg", "中国"),
            Image("/photos/none.jpg", "nothing here"),
        ]);
        var searcher = Searcher.Create(store);
        var options = SearchOptions.Default with { Top = 10 };

        var response = await searcher.SearchAsync("optical 88", options, CancellationToken.None);
        var exhaustive = await searcher.SearchAsync("optical 88", options with { Exhaustive = true }, CancellationToken.None);

        response.Hits.Select(h => h.Image.Id).Should().Equal(ids[0], ids[1]);
        exhaustive.Hits.Select(h => h.Image.Id).Should().Contain(ids[2], "an image holding only the short word is a partial match");
        response.Hits.Select(h => h.Score).Should().Equal(ids.Take(2).Select(id => exhaustive.Hits.Single(h => h.Image.Id == id).Score));
        response.Hits[0].Matches.Select(m => m.QueryText).Should().Contain("88", "the short word is scored on the candidate image");
        (await searcher.SearchAsync("88", options, CancellationToken.None)).Hits.Select(h => h.Image.Id).Should().BeEquivalentTo([ids[0], ids[2]]);
        (await searcher.SearchAsync("88 et", options, CancellationToken.None)).Hits.Select(h => h.Image.Id).Should().BeEquivalentTo([ids[0], ids[2]], "with no longer word, short ones are looked up");
        (await searcher.SearchAsync("中国 optical", options, CancellationToken.None)).Hits.Select(h => h.Image.Id).Should().Contain(ids[3], "two Chinese characters are a telling word");
    }

    [Theory]
    [InlineData("optical 88", "optical")]
    [InlineData("\"european h\"", "european")]
    [InlineData("et 1", "et 1")]
    [InlineData("the 1", "1")]
    [InlineData("i am", "i am")]
    [InlineData("中国 bank", "中国 bank")]
    [InlineData("hotel", "hotel")]
    public void Candidates_are_looked_up_for_the_most_telling_words(string query, string expected)
    {
        var parsed = new QueryParser().Parse(query, Models.Text.TextFolding.Default);

        Searcher.LookupTerms(parsed).Select(t => t.Text).Should().Equal(expected.Split(' '));
    }

    [Fact]
    public void Parallelism_outside_0_to_256_is_rejected()
    {
        var act = () => (SearchOptions.Default with { Parallelism = -1 }).Validate();

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Parallelism*");
    }

    /// <summary>
    /// Photos where "hotel" appears whole, inside phrases, misread (with and without the right
    /// second guess), next to other words across lines, and not at all.
    /// </summary>
    private static List<ImageDocument> Collection()
    {
        var misread = new LatticeBuilder().Character("h").Character("o").Confused("l", 0.6f, "t", 0.3f).Character("e").Character("l").Build();
        return
        [
            Image("/photos/a.jpg", "grand hotel", "exit"),
            Image("/photos/b.jpg", "hotel spa", "open daily"),
            Image("/photos/c.jpg", Line("holel", misread), Line("spa", y: 50f)),
            Image("/photos/d.jpg", "grand", "hotel"),
            Image("/photos/e.jpg", "hostel", "the exit"),
            Image("/photos/f.jpg", "motel 6", "no vacancy"),
            Image("/photos/g.jpg", "hote1 grand", "spa"),
            Image("/photos/h.jpg", "the hotel at the end of the street"),
            Image("/photos/i.jpg", "nothing here"),
            Image("/photos/j.jpg", "exit only", "hot tea"),
        ];
    }

    /// <summary>What the searcher did before ranking and explaining were split: every candidate image scored with its words, matches and all.</summary>
    private static async Task<List<(long ImageId, ImageMatch Match)>> ScoreEveryCandidateInFullAsync(IIndexStore store, string query, SearchOptions options)
    {
        var info = await store.GetInfoAsync();
        var parsed = new QueryParser().Parse(query, info.Folding);
        var scorer = new ImageScorer();
        var compiled = scorer.Compile(parsed);
        var ids = new SortedSet<long>();
        foreach (var term in Searcher.LookupTerms(parsed))
        {
            ids.UnionWith((await store.CandidateLinesAsync(term.Text, options.CandidatesPerTerm)).Select(c => c.LineId));
        }

        var wholeImages = parsed.Clauses.Count > 1 || parsed.Clauses.Any(c => c.IsPhrase);
        var scored = new List<(long ImageId, ImageMatch Match)>();
        foreach (var group in (await store.GetLinesAsync([.. ids])).GroupBy(l => l.ImageId))
        {
            var lines = wholeImages ? await store.GetImageLinesAsync(group.Key) : [.. group];
            var match = scorer.Score(compiled, lines.Select(ToCandidate).ToList());
            if (match.Score >= options.MinScore)
            {
                scored.Add((group.Key, match));
            }
        }

        scored.Sort((a, b) => b.Match.Score != a.Match.Score ? b.Match.Score.CompareTo(a.Match.Score) : a.ImageId.CompareTo(b.ImageId));
        return scored;
    }

    private static CandidateLine ToCandidate(StoredLine line) =>
        new(line.Id, line.Quad, line.Text, line.Lattice, line.Ordinal, line.Words.Select(w => new CandidateWord(w.Quad, w.Text)).ToList());
}
