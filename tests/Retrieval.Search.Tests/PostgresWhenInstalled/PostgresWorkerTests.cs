using System.Diagnostics;
using Retrieval.Search.Jobs;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;
using Retrieval.TestSupport.Postgres;
using Xunit.Abstractions;
using static Retrieval.Search.Tests.PostgresWhenInstalled.ModelFreeJobs;

namespace Retrieval.Search.Tests.PostgresWhenInstalled;

/// <summary>
/// Several workers on one queue, for real: separate stores (connection pools) in tasks, a worker in a
/// child process that is SIGKILLed, a database restart, searches during writes. Documents are built
/// without models (<see cref="ModelFreeJobs"/>); what is tested is the queue and the store.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWorkerTests(PostgresCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Work = TimeSpan.FromMilliseconds(15);

    private readonly List<PostgresIndexStore> stores = [];
    private string? database;

    public async Task InitializeAsync()
    {
        if (cluster.SkipReason is null)
        {
            database = await cluster.CreateIndexDatabaseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        if (database is not null)
        {
            await cluster.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Three_workers_with_one_child_process_killed_mid_run_index_every_model_free_image_exactly_once()
    {
        if (Skipped())
        {
            return;
        }

        const int Jobs = 240;
        var queue = await QueueAsync();
        await queue.EnqueueAsync(Sources(Jobs));
        using var child = StartChild("child-worker");
        await WaitForAsync(async () => (await queue.GetStatusAsync()).Workers.Any(w => w.WorkerId == "child-worker" && w.Completed >= 5), TimeSpan.FromSeconds(60));

        var workers = Enumerable.Range(1, 2).Select(i => Task.Run(async () => await (await WorkerAsync($"task-worker-{i}")).RunAsync(CancellationToken.None))).ToList();
        await WaitForAsync(async () => (await queue.GetStatusAsync()).Done >= 40, TimeSpan.FromSeconds(60));
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        var orphaned = await JobIdsAsync("SELECT id FROM jobs WHERE state = 1 AND worker = 'child-worker'");
        output.WriteLine($"killed the child worker holding {orphaned.Count} leases");

        var summaries = await Task.WhenAll(workers);

        foreach (var summary in summaries)
        {
            output.WriteLine($"{summary.WorkerId}: {summary.Completed} jobs, {summary.ImagesPerSecond:F1} images/s, {summary.DatabaseTimePerImage.TotalMilliseconds:F1} ms database time per image, {summary.LeasesLost} lost");
        }

        var status = await queue.GetStatusAsync();
        (status.Done, status.Queued, status.Leased, status.Failed).Should().Be((Jobs, 0, 0, 0));
        await AssertEveryImageOnceAsync(Jobs);
        orphaned.Should().NotBeEmpty("the child was killed in the middle of a batch");
        (await JobIdsAsync("SELECT id FROM jobs WHERE attempts = 2 AND state = 2 AND worker LIKE 'task-worker-%'")).Should().BeEquivalentTo(orphaned, "exactly the jobs the killed worker held were leased again");
    }

    [Fact]
    public async Task Searches_see_whole_images_while_three_workers_write()
    {
        if (Skipped())
        {
            return;
        }

        const int Jobs = 150;
        var queue = await QueueAsync();
        await queue.EnqueueAsync(Sources(Jobs));
        await using var reader = await PostgresIndexStore.OpenAsync(StoreOptions(database!) with { ReadOnly = true });
        var workers = Enumerable.Range(1, 3).Select(i => Task.Run(async () => await (await WorkerAsync($"w{i}")).RunAsync(CancellationToken.None))).ToList();
        var all = Task.WhenAll(workers);
        var rounds = 0;

        while (!all.IsCompleted)
        {
            var counts = await reader.GetCountsAsync();
            counts.Lines.Should().Be(counts.Images * LinesPerImage);
            var candidates = await reader.CandidateLinesAsync("exit", 1000);
            var lines = await reader.GetLinesAsync(candidates.Select(c => c.LineId).ToList());
            foreach (var image in lines.GroupBy(l => l.ImageId))
            {
                // Lines of an image are committed together: a search sees all of them or none.
                var stored = await reader.GetImageLinesAsync(image.Key);
                if (stored.Count > 0)
                {
                    stored.Select(l => l.Text).Should().Equal(Enumerable.Range(0, LinesPerImage).Select(l => Text(stored[0].Image.Path, l)));
                }
            }

            rounds++;
        }

        await all;
        output.WriteLine($"{rounds} consistent search rounds while {Jobs} jobs were indexed");
        rounds.Should().BeGreaterThan(0);
        await AssertEveryImageOnceAsync(Jobs);
    }

    [Fact]
    public async Task Workers_ride_out_a_database_restart_and_finish_with_every_image_once()
    {
        if (Skipped())
        {
            return;
        }

        const int Jobs = 160;
        var queue = await QueueAsync();
        await queue.EnqueueAsync(Sources(Jobs));
        var workers = Enumerable.Range(1, 2).Select(i => Task.Run(async () => await (await WorkerAsync($"w{i}")).RunAsync(CancellationToken.None))).ToList();
        await WaitForAsync(async () => (await queue.GetStatusAsync()).Done >= 30, TimeSpan.FromSeconds(60));

        var restart = Stopwatch.StartNew();
        await cluster.RestartAsync();
        output.WriteLine($"restarted PostgreSQL in {restart.ElapsedMilliseconds} ms");
        var summaries = await Task.WhenAll(workers);

        summaries.Sum(s => s.Retries).Should().BePositive("the workers saw the restart and retried");
        summaries.Sum(s => s.Completed).Should().BeGreaterThanOrEqualTo(Jobs);
        output.WriteLine(string.Join("; ", summaries.Select(s => $"{s.WorkerId}: {s.Completed} jobs, {s.Retries} retries")));
        (await queue.GetStatusAsync()).Done.Should().Be(Jobs);
        await AssertEveryImageOnceAsync(Jobs);
    }

    private async Task AssertEveryImageOnceAsync(int jobs)
    {
        await using var store = await PostgresIndexStore.OpenAsync(StoreOptions(database!) with { ReadOnly = true });
        var images = await store.ListImagesUnderAsync(Root).ToListAsync();
        images.Select(i => i.Key.Path).Should().Equal(Enumerable.Range(0, jobs).Select(Path));
        (await store.GetCountsAsync()).Should().Be(new IndexCounts(jobs, jobs * LinesPerImage, jobs * LinesPerImage * 4, 0, 0));
    }

    private async Task<PostgresJobQueue> QueueAsync()
    {
        var store = await PostgresIndexStore.OpenAsync(StoreOptions(database!));
        stores.Add(store);
        return new PostgresJobQueue(store, new JobQueueOptions { LeaseDuration = Lease });
    }

    private async Task<IndexWorker> WorkerAsync(string id) =>
        new(await QueueAsync(), Processor(Work), new IndexWorkerOptions { WorkerId = id, HeartbeatInterval = Lease / 3, IdlePoll = TimeSpan.FromMilliseconds(200), ReconnectTimeout = TimeSpan.FromSeconds(60) });

    private Process StartChild(string workerId)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "exec", typeof(WorkerChild).Assembly.Location }.Concat(WorkerChild.Arguments(database!, workerId, Lease, Work)))
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private async Task<List<long>> JobIdsAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database + ";Pooling=false");
        await connection.OpenAsync();
        await using var reader = await new Npgsql.NpgsqlCommand(sql, connection).ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within {timeout}.");
            }

            await Task.Delay(50);
        }
    }

    private bool Skipped()
    {
        if (cluster.SkipReason is { } reason)
        {
            output.WriteLine($"Skipped: {reason}");
            return true;
        }

        return false;
    }
}
