using Microsoft.Data.Sqlite;
using Retrieval.Search.Store;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.Store;

public sealed class SqliteGramCompactionTests : IDisposable
{
    private readonly TempIndexDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Compacting_merges_gram_tables_written_in_many_batches_into_one_segment_and_keeps_every_candidate()
    {
        var random = new Random(77);
        using (var store = directory.Open())
        {
            for (var batch = 0; batch < 24; batch++)
            {
                await store.WriteAsync(Enumerable.Range(0, 5).Select(i => SyntheticImage($"/photos/{batch:D2}-{i}.jpg", random, 3)).ToList());
            }

            // Words of the lines (terms of 1 to 9 characters take each lookup path), parts of them, and absent words.
            var words = new List<string>();
            await foreach (var line in store.StreamLinesAsync())
            {
                words.AddRange(line.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }

            var terms = words.Distinct().Take(30).SelectMany(w => new[] { w, w[..Math.Min(2, w.Length)], w[..Math.Min(4, w.Length)] })
                .Concat(["qqzx", "zz", "xylophone"]).Distinct().ToList();
            // Deleted lines leave tombstones in the gram tables; compaction must keep them out too.
            await store.DeletePathsAsync(["/photos/03-1.jpg", "/photos/17-4.jpg"]);
            var before = await CandidatesAsync(store, terms);
            Segments().Values.Should().OnlyContain(s => s > 1, "every batch wrote a segment and automerge leaves several");

            await store.CompactAsync();

            Segments().Values.Should().OnlyContain(s => s == 1);
            (await CandidatesAsync(store, terms)).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
        }
    }

    [Fact]
    public async Task Compacting_a_compact_or_empty_index_changes_nothing()
    {
        using var store = directory.Open();
        await store.CompactAsync();
        await store.WriteAsync([Image("/photos/a.jpg", "harbour street"), Image("/photos/b.jpg", "exit")]);
        await store.CompactAsync();
        var size = new FileInfo(store.DatabasePath).Length;

        await store.CompactAsync();

        Segments().Values.Should().OnlyContain(s => s <= 1);
        new FileInfo(store.DatabasePath).Length.Should().Be(size);
        (await store.CandidateLinesAsync("harbour", 10)).Should().ContainSingle();
    }

    private static async Task<List<List<LineCandidate>>> CandidatesAsync(SqliteIndexStore store, IReadOnlyList<string> terms)
    {
        var answers = new List<List<LineCandidate>>();
        foreach (var term in terms)
        {
            answers.Add([.. await store.CandidateLinesAsync(term, 1000)]);
        }

        answers.Count(a => a.Count > 0).Should().BeGreaterThan(terms.Count / 2, "the test needs terms that find lines");
        return answers;
    }

    private IReadOnlyDictionary<string, int> Segments()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory.Path, SqliteIndexOptions.FileName), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return SqliteGramCompaction.Segments(connection, null);
    }
}
