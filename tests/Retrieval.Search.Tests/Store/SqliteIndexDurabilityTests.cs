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
        (await store.ListImagesUnderAsync("/photos").Select(i => i.Key.Path).ToListAsync()).Should().OnlyHaveUniqueItems().And.HaveCount(total);
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
