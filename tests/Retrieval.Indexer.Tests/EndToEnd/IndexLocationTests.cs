using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>
/// An index directory that cannot take writes (read-only, or on a full disk) stops <c>retrieval
/// index</c> with one clear line and exit code 1, and everything indexed before stays searchable.
/// </summary>
public sealed class IndexLocationTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new("retrieval-location-");

    [Fact]
    public async Task A_read_only_index_directory_stops_indexing_with_a_clear_message_and_stays_searchable()
    {
        var launcher = Privileges.WithoutFileOverride(out var reason);
        if (launcher is null || !OperatingSystem.IsLinux())
        {
            output.WriteLine($"Skipped: {reason}");
            return;
        }

        var images = folder.Folder("images");
        WordImages.Save(Path.Combine(images, "harbor.png"), "HARBOR");
        var index = folder.Combine("read only index");
        (await CliProcess.RunAsync(["index", images, "--index", index])).ExitCode.Should().Be(0);
        WordImages.Save(Path.Combine(images, "meadow.png"), "MEADOW");
        File.SetUnixFileMode(index, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var result = await CliProcess.RunAsync(["index", images, "--index", index], launcher: launcher);
        output.WriteLine(result.ToString());
        var search = await CliProcess.RunAsync(["search", "harbor", "--index", index, "--json"], launcher: launcher);
        output.WriteLine(search.ToString());

        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Trim().Should().StartWith($"retrieval index: The index directory {index} is not writable").And.Contain("--index").And.NotContain("\n");
        search.ExitCode.Should().Be(0, "an index in a read-only directory (a read-only mount, an archive) can still be searched");
        search.Stdout.Should().Contain(Path.Combine(images, "harbor.png"));
        Directory.GetFiles(index).Select(Path.GetFileName).Should().Equal("index.db");
    }

    [Fact]
    public async Task A_full_disk_stops_indexing_with_a_clear_message_and_keeps_every_committed_image()
    {
        using var disk = SmallDisk.TryMount(folder.Combine("disk"), kilobytes: 1024, out var reason);
        if (disk is null)
        {
            output.WriteLine($"Skipped: {reason}");
            return;
        }

        var first = Path.Combine(folder.Folder("images", "first"), "harbor.png");
        WordImages.Save(first, "HARBOR");
        var index = Path.Combine(disk.Path, "index");
        (await CliProcess.RunAsync(["index", first, "--index", index])).ExitCode.Should().Be(0);

        // More images than the pipeline holds in flight: when the writer fails, the stages before it must stop instead of waiting for it forever.
        var more = folder.Folder("images", "more");
        foreach (var word in WordImages.Words.Concat(WordImages.Words.Take(10).Select(w => w + "S")))
        {
            WordImages.Save(Path.Combine(more, word.ToLowerInvariant() + ".png"), word);
        }

        var filler = disk.Fill(keepBytes: 96 * 1024);
        var result = await CliProcess.RunAsync(["index", more, "--index", index, "--batch-size", "1"], TimeSpan.FromSeconds(90));
        output.WriteLine(result.ToString());

        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Trim().Should().StartWith("retrieval index: The disk holding the index").And.Contain("is full").And.NotContain("\n").And.NotContain("   at ");
        File.Delete(filler);
        (await IndexSearch.PathsAsync(index, "harbor")).Should().Equal(first);
        (await IndexSearch.ImagesAsync(index, more)).Should().OnlyContain(i => i.Status == Search.Store.ImageStatus.Ok, "every batch is stored whole or not at all");
        IndexSearch.IntegrityCheck(index).Should().Be("ok");

        var later = Path.Combine(folder.Folder("images", "later"), "lantern.png");
        WordImages.Save(later, "LANTERN");
        var rerun = await CliProcess.RunAsync(["index", later, "--index", index]);
        rerun.ExitCode.Should().Be(0, $"once there is space again the index takes writes: {rerun}");
        (await IndexSearch.PathsAsync(index, "lantern")).Should().Equal(later);
    }

    public void Dispose() => folder.Dispose();
}
