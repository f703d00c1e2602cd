using System.Diagnostics;
using Retrieval.Search;
using Retrieval.Search.Store;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary><c>retrieval watch</c> as a child process: new images become searchable within seconds, deleted ones disappear, Ctrl+C stops it cleanly.</summary>
public sealed class WatchCommandTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);

    private readonly TempFolder folder = new("retrieval-watch-");

    [Fact]
    public async Task Watch_indexes_a_new_image_within_seconds_forgets_a_deleted_one_and_stops_on_ctrl_c()
    {
        var launcher = Privileges.WithDefaultSigint(out var reason);
        if (launcher is null)
        {
            output.WriteLine($"Skipped: {reason}");
            return;
        }

        var watched = folder.Folder("watched");
        WordImages.Save(Path.Combine(watched, "harbor.png"), "HARBOR");
        var index = folder.Combine("index");
        using var watcher = CliProcess.Start(["watch", watched, "--index", index, "--rescan-seconds", "30", "--debounce-ms", "200"], launcher);
        await watcher.WaitUntilAsync(() => watcher.Stdout.Contains("Indexed 1,", StringComparison.Ordinal), TimeSpan.FromSeconds(90), "the initial run");

        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        var searcher = Searcher.Create(store);
        (await IndexSearch.PathsAsync(searcher, "harbor")).Should().Equal(Path.Combine(watched, "harbor.png"));

        // Rendered elsewhere and moved in, as a finished download or copy appears.
        var added = Path.Combine(watched, "meadow.png");
        var staged = folder.Combine("meadow.png");
        WordImages.Save(staged, "MEADOW");
        var clock = Stopwatch.StartNew();
        File.Move(staged, added);
        await watcher.WaitUntilAsync(async () => (await IndexSearch.PathsAsync(searcher, "meadow")).Contains(added), Soon, "the new image to become searchable");
        output.WriteLine($"New image searchable after {clock.Elapsed.TotalSeconds:0.0} s");

        clock.Restart();
        File.Delete(added);
        await watcher.WaitUntilAsync(async () => !(await IndexSearch.PathsAsync(searcher, "meadow", minScore: 0.3)).Contains(added), Soon, "the deleted image to disappear");
        output.WriteLine($"Deleted image gone after {clock.Elapsed.TotalSeconds:0.0} s");
        (await IndexSearch.PathsAsync(searcher, "harbor")).Should().Equal([Path.Combine(watched, "harbor.png")], "the other image stays");

        watcher.Interrupt();
        var result = await watcher.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine(result.ToString());
        result.ExitCode.Should().Be(0, "Ctrl+C is how a watch is meant to end");
        result.Stdout.Should().Contain("Application is shutting down");
        result.Stdout.Should().Contain("Indexed 1, unchanged 1, failed 0, pruned 0", "each run logs what that run did");
        result.Stdout.Should().Contain("Indexed 0, unchanged 1, failed 0, pruned 1");
        (result.Stdout + result.Stderr).Should().NotContain("fail:").And.NotContain("   at ");
    }

    public void Dispose() => folder.Dispose();
}
