using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Retrieval.Indexer.Cli;
using Retrieval.Indexer.Pipeline;
using Retrieval.Indexer.Sources;
using Retrieval.Search.Jobs;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;

namespace Retrieval.Indexer.Commands;

/// <summary>
/// The many-workers spelling of <c>retrieval index</c> on a PostgreSQL <c>--store</c>:
/// <c>--enqueue-only PATH...</c> walks the paths into the shared job queue (once, anywhere);
/// <c>--worker [PATH...]</c> enqueues the paths it is given (idempotent) and then indexes jobs from the
/// queue until none are left, alongside any number of other workers. Each job's image record and its
/// completion are committed together, so a killed worker loses nothing; its jobs return to the queue
/// when their leases expire. Ctrl+C or SIGTERM (what a service manager sends) stops a worker gracefully:
/// the jobs it has not finished go back to the queue at once, it prints its summary and exits with 130;
/// a second signal ends it on the spot.
/// </summary>
internal sealed class IndexWorkerMode
{
    private readonly Option<bool> worker = new("--worker") { Description = "Be one of many workers: index jobs from the PostgreSQL job queue until it is drained (enqueues the given paths first)." };
    private readonly Option<bool> enqueueOnly = new("--enqueue-only") { Description = "Only walk the paths into the PostgreSQL job queue, for workers to index." };
    private readonly Option<string?> workerId = new("--worker-id") { Description = "Name of this worker in the queue and in `retrieval status` (default: host/pid/random)." };
    private readonly Option<int> leaseSeconds = new("--lease-seconds") { Description = "How long a job stays with a worker that stops heartbeating (a killed worker's jobs return after this).", DefaultValueFactory = _ => 120 };
    private readonly Option<int> inFlight = new("--in-flight") { Description = "Jobs this worker holds in its pipeline at once.", DefaultValueFactory = _ => 8 };
    private readonly Option<int> maxAttempts = new("--max-attempts") { Description = "Attempts before a failing job is parked (see `retrieval status`).", DefaultValueFactory = _ => 3 };

    public static IndexWorkerMode Create() => new();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { worker, enqueueOnly, workerId, leaseSeconds, inFlight, maxAttempts })
        {
            command.Options.Add(option);
        }
    }

    public bool Requested(ParseResult parse) => parse.GetValue(worker) || parse.GetValue(enqueueOnly);

    public async Task<int> RunAsync(ParseResult parse, IReadOnlyList<string> roots, string location, IndexingOptions options, CancellationToken cancellationToken)
    {
        var parsed = IndexStoreLocation.Parse(location);
        var work = parse.GetValue(worker);
        var problem = parsed.Kind != IndexStoreKind.Postgres ? "--worker and --enqueue-only need a PostgreSQL --store (postgres://user@host:port/database)."
            : work && parse.GetValue(enqueueOnly) ? "give either --worker or --enqueue-only."
            : work && options.Rebuild ? "--rebuild would clear the index under the other workers: run `retrieval index --store ... --rebuild --enqueue-only PATH...` once, then start the workers."
            : options.Prune ? "--prune is not available with the job queue; run `retrieval index --store ... --prune PATH...` without --worker."
            : !work && roots.Count == 0 ? "--enqueue-only needs the folders or files to enqueue."
            : null;
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync($"index: {problem}").ConfigureAwait(false);
            return 2;
        }

        var queueOptions = new JobQueueOptions { LeaseDuration = TimeSpan.FromSeconds(parse.GetValue(leaseSeconds)), MaxAttempts = parse.GetValue(maxAttempts) };
        await using var store = await PostgresIndexStore.OpenAsync(new PostgresIndexOptions { ConnectionString = parsed.Value, Rebuild = options.Rebuild }, cancellationToken).ConfigureAwait(false);
        var queue = new PostgresJobQueue(store, queueOptions);
        if (roots.Count > 0)
        {
            await EnqueueAsync(queue, roots, options.Force, cancellationToken).ConfigureAwait(false);
        }

        if (!work)
        {
            return 0;
        }

        var slots = parse.GetValue(inFlight);
        var workerOptions = new IndexWorkerOptions
        {
            WorkerId = parse.GetValue(workerId) ?? new IndexWorkerOptions().WorkerId,
            MaxInFlight = slots,
            LeaseBatch = Math.Clamp(slots, 1, 8),
            HeartbeatInterval = queueOptions.LeaseDuration / 4,
        };
        using var loggerFactory = ConsoleLogging.Create(quiet: true);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stop));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stop));
        var summary = await new JobPipeline(queue, options, loggerFactory).RunAsync(workerOptions, stop.Token).ConfigureAwait(false);
        var status = await queue.GetStatusAsync(CancellationToken.None).ConfigureAwait(false);
        await Console.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{(stop.IsCancellationRequested ? "Interrupted" : "Done")}: worker {summary.WorkerId} indexed {summary.Images} images ({summary.Completed} jobs) in {summary.Elapsed.TotalSeconds:0.0} s, {summary.ImagesPerSecond:0.00} images/s, {summary.DatabaseTimePerImage.TotalMilliseconds:0.0} ms database time per image; {summary.Failed} failed attempts, {summary.LeasesLost} lost leases, {summary.Retries} retries. Queue of {queue.Location}: {status.Queued} queued, {status.Leased} leased, {status.Done} done, {status.Failed} parked.")).ConfigureAwait(false);
        return stop.IsCancellationRequested ? 130 : 0;
    }

    /// <summary>The first signal stops the worker gracefully (unfinished jobs go back to the queue); the next one terminates it as usual.</summary>
    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        if (stop.IsCancellationRequested)
        {
            return;
        }

        context.Cancel = true;
        stop.Cancel();
    }

    private static async Task EnqueueAsync(PostgresJobQueue queue, IReadOnlyList<string> roots, bool force, CancellationToken cancellationToken)
    {
        var walker = FolderWalker.ForImages();
        var sources = walker.Walk(roots, cancellationToken).Select(f => new JobSource(f.Path, f.Root, f.Size, f.Modified));
        var result = await queue.EnqueueAsync(sources, force, cancellationToken).ConfigureAwait(false);
        await Console.Out.WriteLineAsync($"Enqueued into {queue.Location}: {result.Added} new, {result.Requeued} changed, {result.AlreadyIndexed} already indexed, {result.Unchanged} unchanged.").ConfigureAwait(false);
        foreach (var problem in walker.Problems)
        {
            await Console.Error.WriteLineAsync($"  not walked: {problem.Path}: {problem.Reason}").ConfigureAwait(false);
        }
    }
}
