using System.Text.Json;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>
/// What <c>retrieval index</c> meets in real folders: a corrupt image, a folder it may not read, a
/// link loop, names with spaces and non-ASCII characters, empty folders. Each is reported in the
/// summary; none stops the run or loses an image that could be read.
/// </summary>
public sealed class SourceProblemTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new("retrieval-sources-");

    [Fact]
    public async Task Bad_files_and_folders_are_reported_and_skipped_while_everything_readable_is_indexed()
    {
        var root = folder.Folder("photos");
        WordImages.Save(Path.Combine(root, "harbor.png"), "HARBOR");
        var accented = Path.Combine(folder.Folder("photos", "dossier été 2024"), "café crème – menu.png");
        WordImages.Save(accented, "BISTRO");
        var corrupt = Path.Combine(root, "broken.jpg");
        WordImages.SaveCorrupt(corrupt);
        folder.Folder("photos", "empty");
        var loop = folder.Folder("photos", "loop");
        Directory.CreateSymbolicLink(Path.Combine(loop, "back"), root);

        var launcher = Privileges.WithoutFileOverride(out var reason);
        string? locked = null;
        if (launcher is null || !OperatingSystem.IsLinux())
        {
            output.WriteLine($"Unreadable-folder check skipped: {reason}");
        }
        else
        {
            locked = folder.Folder("photos", "private");
            WordImages.Save(Path.Combine(locked, "secret.png"), "SECRET");
            File.SetUnixFileMode(locked, UnixFileMode.None);
        }

        var index = folder.Combine("index");
        var result = await CliProcess.RunAsync(["index", root, "--index", index], launcher: launcher);
        output.WriteLine(result.ToString());

        result.ExitCode.Should().Be(0, "bad files and folders are item problems, not a failed run");
        IndexSummary.Parse(result).Should().Be(new IndexSummary(false, 2, 0, 1, 0));
        result.Stdout.Should().Contain($"Failed:\n  {corrupt}: ").And.Contain("not an image format");
        result.Stdout.Should().Contain("Not walked:").And.Contain($"{Path.Combine(loop, "back")}: skipped: a link back to a folder already walked");
        if (locked is not null)
        {
            result.Stdout.Should().Contain($"{locked}: cannot read folder:");
        }

        result.Stderr.Should().NotContain("   at ");
        var search = await CliProcess.RunAsync(["search", "bistro", "--index", index, "--json"]);
        using (var json = JsonDocument.Parse(search.Stdout))
        {
            json.RootElement.GetProperty("results")[0].GetProperty("path").GetString().Should().Be(accented, "a path with spaces and non-ASCII characters is stored and printed exactly");
        }

        (await IndexSearch.PathsAsync(index, "bistro")).Should().Equal(accented);
        (await IndexSearch.PathsAsync(index, "harbor")).Should().Equal([Path.Combine(root, "harbor.png")], "the loop did not index anything twice");
        (await IndexSearch.PathsAsync(index, "secret", minScore: 0.3)).Should().BeEmpty();

        var again = await CliProcess.RunAsync(["index", root, "--index", index], launcher: launcher);
        IndexSummary.Parse(again).Should().Be(new IndexSummary(false, 0, 3, 0, 0), "the corrupt file's failure is recorded too, so an unchanged bad file is not retried every run");
    }

    [Fact]
    public async Task An_empty_folder_indexes_nothing_and_searches_find_nothing()
    {
        var empty = folder.Folder("empty");
        var index = folder.Combine("index");

        var result = await CliProcess.RunAsync(["index", empty, "--index", index]);
        var search = await CliProcess.RunAsync(["search", "harbor", "--index", index]);

        result.ExitCode.Should().Be(0, result.ToString());
        IndexSummary.Parse(result).Should().Be(new IndexSummary(false, 0, 0, 0, 0));
        search.ExitCode.Should().Be(0, search.ToString());
        search.Stdout.Should().StartWith("\"harbor\": 0 images");
    }

    public void Dispose() => folder.Dispose();
}
