using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>Ctrl+C during <c>retrieval index</c>: exit code 130, a summary of what was saved, and a re-run that completes the rest.</summary>
[Collection(ThirtyImagesGroup.Name)]
public sealed class InterruptTests(ThirtyImages images, ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new("retrieval-interrupt-");

    private string Index => folder.Combine("index");

    [Fact]
    public async Task Ctrl_C_during_index_exits_130_saying_what_was_saved_and_a_rerun_completes_the_rest()
    {
        var launcher = Privileges.WithDefaultSigint(out var reason);
        if (launcher is null)
        {
            output.WriteLine($"Skipped: {reason}");
            return;
        }

        CliResult interrupted;
        // One ONNX thread: slow enough that Ctrl+C lands well before the end of the run.
        using (var indexer = CliProcess.Start(["index", images.Folder, "--index", Index, "--batch-size", "2", "--threads", "1"], launcher))
        {
            await indexer.WaitUntilAsync(async () => await IndexSearch.TryCountImagesAsync(Index) >= 2, TimeSpan.FromSeconds(90), "the first batch to be committed");
            indexer.HasExited.Should().BeFalse();
            indexer.Interrupt();
            interrupted = await indexer.WaitAsync(TimeSpan.FromSeconds(30));
        }

        output.WriteLine(interrupted.ToString());
        interrupted.ExitCode.Should().Be(130, interrupted.ToString());
        var summary = IndexSummary.Parse(interrupted);
        summary.Interrupted.Should().BeTrue();
        summary.Failed.Should().Be(0);
        summary.Indexed.Should().BeInRange(2, images.Words.Count - 1);
        interrupted.Stdout.Should().Contain("Everything finished before the interruption is saved; run the same command again to resume.");
        interrupted.Stderr.Should().NotContain("   at ");
        (await IndexSearch.ImagesAsync(Index, images.Folder)).Should().HaveCount(summary.Indexed, "the summary says exactly what was saved");

        var rerun = await CliProcess.RunAsync(["index", images.Folder, "--index", Index, "--batch-size", "2"], TimeSpan.FromSeconds(150));
        output.WriteLine(rerun.ToString());
        rerun.ExitCode.Should().Be(0, rerun.ToString());
        IndexSummary.Parse(rerun).Should().Be(new IndexSummary(false, images.Words.Count - summary.Indexed, summary.Indexed, 0, 0));
        (await IndexSearch.ImagesAsync(Index, images.Folder)).Select(i => i.Key.Path).Should().BeEquivalentTo(images.Words.Select(images.PathOf));
    }

    public void Dispose() => folder.Dispose();
}
