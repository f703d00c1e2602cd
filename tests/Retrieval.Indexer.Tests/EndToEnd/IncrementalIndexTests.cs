using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary><c>retrieval index</c> run again over a changing folder: unchanged files skipped, changed ones re-read, deleted ones pruned, --rebuild.</summary>
public sealed class IncrementalIndexTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new("retrieval-incremental-");

    private string Images => folder.Combine("images");

    private string Index => folder.Combine("index");

    [Fact]
    public async Task A_second_run_skips_unchanged_files_and_a_changed_file_is_read_again_without_its_old_text()
    {
        Render(("harbor.png", "HARBOR"), ("meadow.png", "MEADOW"), ("copper.png", "COPPER"));
        (await IndexAsync()).Should().Be(new IndexSummary(false, 3, 0, 0, 0));

        (await IndexAsync()).Should().Be(new IndexSummary(false, 0, 3, 0, 0), "nothing changed");

        var changed = Path.Combine(Images, "meadow.png");
        WordImages.Save(changed, "VELVET");
        File.SetLastWriteTimeUtc(changed, DateTime.UtcNow.AddSeconds(5));
        (await IndexAsync()).Should().Be(new IndexSummary(false, 1, 2, 0, 0), "only the rewritten file is read again");

        (await IndexSearch.PathsAsync(Index, "velvet")).Should().Equal(changed);
        (await IndexSearch.PathsAsync(Index, "meadow", minScore: 0.3)).Should().BeEmpty("the old text of a re-indexed file is gone");
        (await IndexSearch.ImagesAsync(Index, Images)).Should().HaveCount(3, "a re-indexed file replaces its record");
    }

    [Fact]
    public async Task Prune_drops_deleted_files_and_rebuild_reads_everything_again()
    {
        Render(("harbor.png", "HARBOR"), ("lantern.png", "LANTERN"));
        (await IndexAsync()).Should().Be(new IndexSummary(false, 2, 0, 0, 0));

        File.Delete(Path.Combine(Images, "lantern.png"));
        (await IndexAsync()).Pruned.Should().Be(0, "without --prune records of deleted files stay");
        (await IndexAsync("--prune")).Should().Be(new IndexSummary(false, 0, 1, 0, 1));
        (await IndexSearch.PathsAsync(Index, "lantern", minScore: 0.3)).Should().BeEmpty();
        (await IndexSearch.ImagesAsync(Index, Images)).Select(i => Path.GetFileName(i.Key.Path)).Should().Equal("harbor.png");

        (await IndexAsync("--rebuild")).Should().Be(new IndexSummary(false, 1, 0, 0, 0), "--rebuild clears the index and reads every file");
        (await IndexSearch.PathsAsync(Index, "harbor")).Should().Equal(Path.Combine(Images, "harbor.png"));
    }

    public void Dispose() => folder.Dispose();

    private void Render(params (string Name, string Text)[] files)
    {
        Directory.CreateDirectory(Images);
        foreach (var (name, text) in files)
        {
            WordImages.Save(Path.Combine(Images, name), text);
        }
    }

    private async Task<IndexSummary> IndexAsync(params string[] options)
    {
        var result = await CliProcess.RunAsync(["index", Images, "--index", Index, .. options]);
        output.WriteLine(result.ToString());
        result.ExitCode.Should().Be(0, result.ToString());
        return IndexSummary.Parse(result);
    }
}
