using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;
using Xunit.Abstractions;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.Store;

/// <summary>Transactions, crashes and concurrent readers, on real SQLite files.</summary>
public sealed class SqliteIndexDurabilityTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempIndexDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task An_exception_in_the_middle_of_a_batch_rolls_the_whole_batch_back()
    {
        using (var store = directory.Open())
        {
            await store.WriteAsync([Image("/photos/a.jpg", "kept")]);

            // The lattice of the second image cannot be encoded (256 entries at one step), after the
            // first image of the batch, which replaces a.jpg, has been written.
            var tooWide = new LatticeBuilder().Step(0f, Enumerable.Range(0, 256).Select(i => (char.ConvertFromUtf32(0x4e00 + i), 0.001f)).ToArray()).Build();
            var act = () => store.WriteAsync([Image("/photos/a.jpg", "replaced"), Image("/photos/b.jpg", Line("bad", tooWide))]);

            await act.Should().ThrowAsync<ArgumentException>();
            (await store.GetCountsAsync()).Should().Be(new IndexCounts(1, 1, 1, 0, 0));
            (await store.CandidateLinesAsync("kept", 5)).Should().ContainSingle();
            (await store.CandidateLinesAsync("replaced", 5)).Should().BeEmpty();

            await store.WriteAsync([Image("/photos/c.jpg", "after")]);
        }

        using var reopened = directory.Open();
        (await reopened.GetCountsAsync()).Images.Should().Be(2);
        IntegrityCheck().Should().Be("ok");
    }

    [Fact]
    public async Task A_cancelled_batch_writes_nothing()
    {
        using var store = directory.Open();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        var act = () => store.WriteAsync([Image("/photos/a.jpg", "x")], cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        (await store.GetCountsAsync()).Images.Should().Be(0);
    }

    [Fact]
    public async Task Readers_see_whole_batches_while_a_writer_writes_and_are_never_locked_out()
    {
        const int Batches = 16;
        const int ImagesPerBatch = 10;
        using var store = directory.Open();
        using var separateReader = directory.Open(readOnly: true);
        var reads = 0;

        var writer = Task.Run(async () =>
        {
            for (var b = 0; b < Batches; b++)
            {
                // Every other batch replaces the images of the one before, so readers also race deletes.
                var first = (b % 2 == 0 ? b : b - 1) * ImagesPerBatch;
                await store.WriteAsync(Enumerable.Range(first, ImagesPerBatch).Select(i => Image($"/photos/{i}.jpg", $"batch {b} image {i}", "second line here")).ToList());
            }
        });
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            var source = r == 0 ? separateReader : store;
            while (!writer.IsCompleted)
            {
                var counts = await source.GetCountsAsync();
                counts.Images.Should().Be(counts.Images / ImagesPerBatch * ImagesPerBatch);
                counts.Lines.Should().Be(counts.Images * 2);
                counts.Words.Should().Be(counts.Images * 7);

                // Candidates and lines are two reads: lines replaced in between are simply missing.
                var candidates = await source.CandidateLinesAsync("image", 20);
                var lines = await source.GetLinesAsync(candidates.Select(c => c.LineId).ToList());
                lines.Should().NotContain(l => l.Words.Count != 4 || l.Lattice.BestPath() != l.Text);
                Interlocked.Increment(ref reads);
            }
        })).ToList();

        await Task.WhenAll(readers.Append(writer));

        output.WriteLine($"{reads} consistent read rounds during {Batches} batches");
        reads.Should().BeGreaterThan(0);
        (await store.GetCountsAsync()).Images.Should().Be((Batches + 1) / 2 * ImagesPerBatch);
    }

    [Fact]
    public async Task A_writer_killed_mid_write_leaves_the_last_commit_readable_and_the_next_run_resumes_without_duplicates()
    {
        var committed = await RunChildAndKillAsync(commitsBeforeKill: 3);
        output.WriteLine($"killed after seeing {committed} images committed");

        using var store = directory.Open();
        IntegrityCheck().Should().Be("ok");
        var counts = await store.GetCountsAsync();
        counts.Images.Should().BeGreaterThanOrEqualTo(committed).And.Match(n => n % StoreWriterChild.BatchSize == 0);
        counts.Lines.Should().Be(counts.Images * StoreWriterChild.LinesPerImage);
        counts.Words.Should().Be(counts.Lines * StoreWriterChild.WordsPerLine);
        var last = (int)counts.Images - 1;
        var lines = await store.GetLinesAsync((await store.CandidateLinesAsync(StoreWriterChild.Text(last, 3), 5)).Select(c => c.LineId).ToList());
        lines.Should().Contain(l => l.Text == StoreWriterChild.Text(last, 3));

        var total = (int)counts.Images + StoreWriterChild.BatchSize + 7;
        var written = await StoreWriterChild.ResumeAsync(store, total, null, CancellationToken.None);

        written.Should().Be(total - (int)counts.Images);
        (await store.GetCountsAsync()).Should().Be(new IndexCounts(total, total * StoreWriterChild.LinesPerImage, total * StoreWriterChild.LinesPerImage * StoreWriterChild.WordsPerLine, 0, 0));
        (await SqliteIndexStoreRecordTests.ToListAsync(store.ListImagesUnderAsync("/photos"))).Select(i => i.Key.Path).Should().OnlyHaveUniqueItems().And.HaveCount(total);
    }

    /// <summary>Starts <see cref="StoreWriterChild"/> on the index, waits for some commits, then SIGKILLs it; returns the images it reported committed.</summary>
    private async Task<int> RunChildAndKillAsync(int commitsBeforeKill)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "exec", typeof(StoreWriterChild).Assembly.Location, StoreWriterChild.Verb, directory.Path })
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start)!;
        var committed = 0;
        var seen = 0;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        try
        {
            while (seen < commitsBeforeKill)
            {
                var line = await child.StandardOutput.ReadLineAsync().WaitAsync(deadline - DateTime.UtcNow);
                if (line is null)
                {
                    throw new InvalidOperationException($"The writer child exited early: {await child.StandardError.ReadToEndAsync()}");
                }

                output.WriteLine(line);
                if (line.StartsWith("committed ", StringComparison.Ordinal))
                {
                    committed = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                    seen++;
                }
            }

            // Land the kill at a varying point of the next transaction.
            await Task.Delay(Random.Shared.Next(1, 30));
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        return committed;
    }

    private string IntegrityCheck()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, SqliteIndexOptions.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }
}
