using System.Globalization;
using Retrieval.Search.Jobs;
using Retrieval.Search.Store.Postgres;

namespace Retrieval.Search.Tests.PostgresWhenInstalled;

/// <summary>
/// The worker process a test kills: `dotnet Retrieval.Search.Tests.dll pg-worker-child CONNECTION WORKER_ID LEASE_SECONDS WORK_MS`
/// runs an <see cref="IndexWorker"/> with <see cref="ModelFreeJobs"/> documents until the queue is drained or it is killed.
/// </summary>
internal static class WorkerChild
{
    public const string Verb = "pg-worker-child";

    public static string[] Arguments(string connectionString, string workerId, TimeSpan lease, TimeSpan work) =>
    [
        Verb,
        connectionString,
        workerId,
        lease.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        work.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
    ];

    public static async Task RunAsync(IReadOnlyList<string> args)
    {
        var lease = TimeSpan.FromSeconds(double.Parse(args[3], CultureInfo.InvariantCulture));
        var work = TimeSpan.FromMilliseconds(double.Parse(args[4], CultureInfo.InvariantCulture));
        await using var store = await PostgresIndexStore.OpenAsync(ModelFreeJobs.StoreOptions(args[1]));
        var queue = new PostgresJobQueue(store, new JobQueueOptions { LeaseDuration = lease });
        var worker = new IndexWorker(queue, ModelFreeJobs.Processor(work), new IndexWorkerOptions { WorkerId = args[2], HeartbeatInterval = lease / 3, IdlePoll = TimeSpan.FromMilliseconds(200) });
        await Console.Out.WriteLineAsync("started");
        await Console.Out.FlushAsync();
        var summary = await worker.RunAsync(CancellationToken.None);
        await Console.Out.WriteLineAsync($"finished {summary.Completed}");
    }
}
