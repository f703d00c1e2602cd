using Retrieval.Indexer.Tests.EndToEnd;
using Retrieval.Search.Jobs;
using Retrieval.Search.Store.Postgres;
using Retrieval.TestSupport;
using Retrieval.TestSupport.Postgres;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.PostgresWhenInstalled;

/// <summary><c>retrieval index --store postgres://... --enqueue-only / --worker</c> as processes, with the real models.</summary>
[Collection(PostgresCollection.Name)]
public sealed class WorkerCommandTests(PostgresCluster cluster, ITestOutputHelper output)
{
    [IcdarDevDataFact]
    public async Task Ctrl_C_stops_a_worker_process_which_gives_its_unfinished_jobs_back_to_the_queue_at_once()
    {
        if (cluster.SkipReason is { } reason)
        {
            output.WriteLine($"Skipped: {reason}");
            return;
        }

        var database = await cluster.CreateIndexDatabaseAsync();
        try
        {
            var photos = Enumerable.Range(200, 12).Select(IcdarDevData.ImagePath).ToArray();
            var enqueue = await CliProcess.RunAsync(["index", "--store", database, "--enqueue-only", .. photos]);
            enqueue.ExitCode.Should().Be(0, enqueue.ToString());
            enqueue.Stdout.Should().Contain("12 new");

            await using var store = await PostgresIndexStore.OpenAsync(new PostgresIndexOptions { ConnectionString = database, ReadOnly = true, MaxPoolSize = 2 });
            var queue = new PostgresJobQueue(store);
            using var worker = CliProcess.Start(["index", "--store", database, "--worker", "--worker-id", "interrupted"]);
            await worker.WaitUntilAsync(async () => (await queue.GetStatusAsync()).Done >= 1, TimeSpan.FromMinutes(3), "the worker's first image");
            worker.Interrupt();
            var result = await worker.WaitAsync(TimeSpan.FromSeconds(90));
            output.WriteLine(result.ToString());

            result.ExitCode.Should().Be(130, result.ToString());
            result.Stdout.Should().Contain("Interrupted: worker interrupted indexed");
            var status = await queue.GetStatusAsync();
            status.Leased.Should().Be(0, "a stopped worker gives its unfinished jobs back instead of leaving them to expire");
            (status.Queued + status.Done).Should().Be(12);
            status.Done.Should().Be((await store.GetCountsAsync()).Images, "a job is done exactly when its image is committed");
        }
        finally
        {
            await cluster.DropDatabaseAsync(database);
        }
    }
}
