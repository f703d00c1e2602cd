using System.Text;
using Retrieval.Models.Text;
using Retrieval.Search.Store;
using Retrieval.Search.Tests.Store;
using Retrieval.Search.Tests.Store.Conformance;
using Retrieval.TestSupport.Postgres;
using Xunit.Abstractions;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.PostgresWhenInstalled;

/// <summary>
/// The same documents written to both stores give the same answers: candidates (ids, counts, order)
/// and lines (every field, lattices byte for byte), for terms drawn from the content, misread,
/// shortened, and made up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSqliteParityTests(PostgresCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Images = 150;
    private const int LinesPerImage = 10;

    private readonly SqliteStoreTarget sqlite = new();
    private readonly PostgresStoreTarget postgres = new(cluster);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await sqlite.DisposeAsync();
        await postgres.DisposeAsync();
    }

    [Fact]
    public async Task Both_stores_return_identical_candidates_and_lines_for_the_same_content()
    {
        if (postgres.SkipReason is { } reason)
        {
            output.WriteLine($"Skipped: {reason}");
            return;
        }

        var random = new Random(20240507);
        var documents = Enumerable.Range(0, Images).Select(i => SyntheticImage($"/photos/{i:D5}.jpg", random, LinesPerImage)).ToList();
        using var left = await sqlite.OpenAsync();
        using var right = await postgres.OpenAsync();
        foreach (var batch in documents.Chunk(25))
        {
            (await left.WriteAsync(batch)).Should().Equal(await right.WriteAsync(batch));
        }

        var terms = Terms(documents, new Random(7));
        var compared = 0;
        var nonEmpty = 0;
        foreach (var term in terms)
        {
            foreach (var limit in new[] { 4, 60 })
            {
                var expected = await left.CandidateLinesAsync(term, limit);
                var actual = await right.CandidateLinesAsync(term, limit);
                actual.Should().Equal(expected, "candidates for '{0}' (limit {1})", term, limit);
                compared++;
                nonEmpty += expected.Count > 0 ? 1 : 0;
                var ids = expected.Select(c => c.LineId).ToList();
                Lines(await right.GetLinesAsync(ids)).Should().Equal(Lines(await left.GetLinesAsync(ids)));
            }
        }

        output.WriteLine($"{terms.Count} terms, {compared} candidate lists compared ({nonEmpty} non-empty), all identical");
        nonEmpty.Should().BeGreaterThan(compared / 2);
        Lines(await right.StreamLinesAsync().ToListAsync()).Should().Equal(Lines(await left.StreamLinesAsync().ToListAsync()));
        (await right.GetCountsAsync()).Should().Be(await left.GetCountsAsync());
    }

    /// <summary>Exact substrings of every length, the same with one character replaced, and terms that occur nowhere.</summary>
    private static List<string> Terms(IReadOnlyList<ImageDocument> documents, Random random)
    {
        var texts = documents.SelectMany(d => d.Lines).Select(l => l.Text).ToList();
        var terms = new List<string> { "zzzz", "银行", "中", "q", "0% o", "a b" };
        for (var i = 0; i < 45; i++)
        {
            var text = texts[random.Next(texts.Count)];
            var length = Math.Min(text.Length, 1 + random.Next(9));
            var start = random.Next(text.Length - length + 1);
            var term = text.Substring(start, length).Trim();
            if (term.Length == 0)
            {
                continue;
            }

            terms.Add(term);
            var misread = new StringBuilder(term);
            misread[random.Next(misread.Length)] = SyntheticAlphabet[random.Next(SyntheticAlphabet.Length)];
            terms.Add(misread.ToString());
        }

        return terms.Distinct(StringComparer.Ordinal).ToList();
    }

    private const string SyntheticAlphabet = TestSupport.Text.SyntheticText.Latin + TestSupport.Text.SyntheticText.Cjk;

    /// <summary>A line as comparable values (records holding lists and lattices compare by reference).</summary>
    private static List<string> Lines(IEnumerable<StoredLine> lines) => lines.Select(l =>
        $"{l.Id}|{l.ImageId}|{l.Image}|{l.Ordinal}|{l.Quad}|{l.Text}|{l.Confidence:R}|{Convert.ToHexString(LatticeCodec.Encode(l.Lattice))}|" +
        string.Join(";", l.Words.Select(w => $"{w.Ordinal},{w.Quad},{w.Text},{w.Confidence:R}"))).ToList();
}
