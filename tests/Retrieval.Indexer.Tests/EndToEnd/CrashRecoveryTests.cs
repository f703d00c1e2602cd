using System.Diagnostics;
using Retrieval.Search;
using Retrieval.Search.Store;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>
/// An indexer killed with SIGKILL part-way (a crash, the OOM killer, a power cut of the process)
/// leaves an index that opens and searches cleanly with every batch committed before the kill,
/// and a second run finishes the rest without duplicating anything. Searches running beside the
/// indexer see consistent, growing results and never a lock error.
/// </summary>
[Collection(ThirtyImagesGroup.Name)]
public sealed class CrashRecoveryTests(ThirtyImages images, ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new("retrieval-crash-");

    private string Index => folder.Combine("index");

    [Fact]
    public async Task An_indexer_killed_mid_run_resumes_and_ends_with_every_image_exactly_once()
    {
        // One ONNX thread: slow enough that the kill lands well before the end of the run.
        using (var indexer = CliProcess.Start(["index", images.Folder, "--index", Index, "--batch-size", "2", "--threads", "1"]))
        {
            await indexer.WaitUntilAsync(async () => await IndexSearch.TryCountImagesAsync(Index) >= 2, TimeSpan.FromSeconds(90), "the first batch to be committed");
            var cliSearch = CliProcess.RunAsync(["search", "harbor", "--index", Index, "--json"]);
            var rounds = await SearchWhileIndexingAsync(indexer, untilImages: 16);
            indexer.HasExited.Should().BeFalse("the run must still be going when it is killed");
            indexer.Kill();
            await indexer.WaitAsync(TimeSpan.FromSeconds(10));
            output.WriteLine($"Killed after {rounds} search rounds beside it.");

            var beside = await cliSearch;
            beside.ExitCode.Should().Be(0, $"the CLI searches beside a running indexer: {beside}");
            beside.Stderr.Should().NotContain("locked");
        }

        // The crashed index: its WAL still holds the committed batches; readers open it as it is.
        var committed = await IndexSearch.ImagesAsync(Index, images.Folder);
        output.WriteLine($"{committed.Count} images committed before the kill");
        committed.Count.Should().BeInRange(16, images.Words.Count - 1);
        committed.Should().OnlyContain(i => i.Status == ImageStatus.Ok);
        var saved = images.Words.First(w => committed.Any(c => c.Key.Path == images.PathOf(w)));
        var search = await CliProcess.RunAsync(["search", saved, "--index", Index, "--json"]);
        search.ExitCode.Should().Be(0, $"a crashed index is searchable before any repair: {search}");
        search.Stdout.Should().Contain(images.PathOf(saved));

        var rerun = await CliProcess.RunAsync(["index", images.Folder, "--index", Index, "--batch-size", "2"], TimeSpan.FromSeconds(150));
        output.WriteLine(rerun.ToString());
        rerun.ExitCode.Should().Be(0, rerun.ToString());
        IndexSummary.Parse(rerun).Should().Be(new IndexSummary(false, images.Words.Count - committed.Count, committed.Count, 0, 0), "committed images are skipped and the rest, the lost in-flight batch included, are read");

        var final = await IndexSearch.ImagesAsync(Index, images.Folder);
        final.Select(i => i.Key.Path).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(images.Words.Select(images.PathOf), "every image is indexed exactly once");
        final.Should().OnlyContain(i => i.Status == ImageStatus.Ok);
        IndexSearch.IntegrityCheck(Index).Should().Be("ok");
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = Index, ReadOnly = true });
        var searcher = Searcher.Create(store);
        foreach (var word in images.Words)
        {
            (await IndexSearch.PathsAsync(searcher, word)).FirstOrDefault().Should().Be(images.PathOf(word), $"\"{word}\" is found after the resumed run");
        }
    }

    public void Dispose() => folder.Dispose();

    /// <summary>
    /// Searches in a loop while the indexer writes, until the index holds <paramref name="untilImages"/>
    /// images: no search may fail (no "database is locked"), a word is only ever found in its own
    /// image, every image committed before a round is found in it, and what was found is never lost.
    /// Each round takes the next few words, so rounds stay short. Returns the number of rounds.
    /// </summary>
    private async Task<int> SearchWhileIndexingAsync(CliProcess indexer, int untilImages)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = Index, ReadOnly = true });
        var searcher = Searcher.Create(store);
        var found = new HashSet<string>(StringComparer.Ordinal);
        var rounds = 0;
        var clock = Stopwatch.StartNew();
        while ((await store.GetCountsAsync()).Images < untilImages && !indexer.HasExited && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            var words = images.Words.Skip(rounds * 6 % images.Words.Count).Take(6).ToList();
            var committedBefore = (await IndexSearch.ImagesAsync(Index, images.Folder)).Select(i => i.Key.Path).ToHashSet();
            var round = new HashSet<string>(StringComparer.Ordinal);
            foreach (var word in words)
            {
                foreach (var path in await IndexSearch.PathsAsync(searcher, word))
                {
                    path.Should().Be(images.PathOf(word), $"\"{word}\" is only in its own image");
                    round.Add(path);
                }
            }

            var expected = words.Select(images.PathOf).Where(committedBefore.Contains).ToList();
            expected.Except(round).Should().BeEmpty("every image committed before the round is found");
            found.Where(p => words.Any(w => images.PathOf(w) == p)).Except(round).Should().BeEmpty("what was found once is never lost");
            var committedAfter = (await IndexSearch.ImagesAsync(Index, images.Folder)).Select(i => i.Key.Path).ToHashSet();
            round.Except(committedAfter).Should().BeEmpty("only committed images are found");
            found.UnionWith(round);
            rounds++;
        }

        output.WriteLine($"{rounds} search rounds in {clock.Elapsed.TotalSeconds:0.0} s beside the indexer found {found.Count} images");
        return rounds;
    }
}
