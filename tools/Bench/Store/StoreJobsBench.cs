using System.Diagnostics;
using System.Globalization;
using Retrieval.Models.Text;
using Retrieval.Search.Jobs;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;

namespace Retrieval.Bench.Store;

/// <summary>
/// Job throughput of the PostgreSQL queue with 1, 2, 4... workers (separate stores and pools, each
/// holding one job at a time), on a fresh database each. The documents are built without models
/// (synthetic lines: a stand-in for the pipeline), so this measures the queue and the store: lease,
/// heartbeat, and the completing transaction (the job and the image's records together).
/// </summary>
public sealed class StoreJobsBench : IBenchCommand
{
    private const string Usage = "store-jobs --server \"Host=..;Port=..;Username=..\" [--jobs 1000] [--workers 1,2,4] [--lines 10]";

    public string Name => "store-jobs";

    public string Description => "PostgreSQL job queue throughput with N workers (model-free documents).";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var parsed = new BenchArgs(args, Usage);
        var server = parsed.Text("server", string.Empty);
        if (server.Length == 0)
        {
            throw new ArgumentException($"Give the server with --server. Usage: {Usage}");
        }

        var jobs = parsed.Int("jobs", 1000);
        var lines = parsed.Int("lines", 10);

        // The documents are made once, outside the timing; the alternatives the store derives from
        // their lattices are timed separately (CPU work inside the completion call).
        var random = new Random(11);
        var documents = Enumerable.Range(0, jobs).Select(i => SyntheticDocuments.Image(Path(i), random, lines)).ToDictionary(d => d.Key.Path, StringComparer.Ordinal);
        var sample = documents.Values.Take(200).SelectMany(d => d.Lines).ToList();
        foreach (var line in sample.Take(200))
        {
            LatticeAlternatives.DeriveTexts(line.Lattice, LatticeAlternativesOptions.Default);
        }

        var deriveCpu = CpuClock.NowMilliseconds();
        var derive = Stopwatch.StartNew();
        foreach (var line in sample)
        {
            LatticeAlternatives.DeriveTexts(line.Lattice, LatticeAlternativesOptions.Default);
        }

        var deriveMs = derive.Elapsed.TotalMilliseconds * lines / sample.Count;
        Console.WriteLine(Invariant($"{jobs} jobs of {lines} synthetic lines; deriving lattice alternatives (inside each completion): {deriveMs:0.00} ms wall, {(CpuClock.NowMilliseconds() - deriveCpu) * lines / sample.Count:0.00} ms CPU per image; load average {Machine.LoadAverage()}"));

        await using var databases = new BenchDatabases(server);
        var serverCpu = await ServerCpuClock.OpenAsync(server, cancellationToken);

        // The first round warms up (JIT, pools, the server's caches) and is not reported.
        foreach (var round in parsed.Ints("workers", "1,2,4").Prepend(0))
        {
            var warmUp = round == 0;
            var workers = Math.Max(1, round);
            var database = await databases.CreateAsync("bench_jobs");
            var stores = new List<PostgresIndexStore>();
            for (var w = 0; w <= workers; w++)
            {
                stores.Add(await PostgresIndexStore.OpenAsync(new PostgresIndexOptions { ConnectionString = database, MaxPoolSize = 4 }, cancellationToken));
            }

            var queue = new PostgresJobQueue(stores[0]);
            var sources = documents.Values.Select(d => new JobSource(d.Key.Path, d.Root, d.Size, d.Modified)).ToList();
            await queue.EnqueueAsync(sources, cancellationToken: cancellationToken);
            JobProcessor process = (lease, _) => Task.FromResult<IReadOnlyList<ImageDocument>>([documents[lease.Path]]);
            var wal = await WalPositionAsync(database, cancellationToken);
            var cpu = CpuClock.NowMilliseconds();
            var serverStart = serverCpu.NowMilliseconds();
            var clock = Stopwatch.StartNew();
            var summaries = await Task.WhenAll(Enumerable.Range(1, workers).Select(w => Task.Run(
                () => new IndexWorker(new PostgresJobQueue(stores[w]), process, new IndexWorkerOptions { WorkerId = $"bench-{w}", MaxInFlight = 1, LeaseBatch = 1 }).RunAsync(cancellationToken),
                cancellationToken)));
            clock.Stop();
            var benchCpu = (CpuClock.NowMilliseconds() - cpu) / jobs;
            var serverMs = (serverCpu.NowMilliseconds() - serverStart) / jobs;
            var walBytes = (await WalPositionAsync(database, cancellationToken) - wal) / (double)jobs;
            var status = await queue.GetStatusAsync(cancellationToken);
            var completion = summaries.Average(s => s.DatabaseTimePerImage.TotalMilliseconds);
            if (!warmUp)
            {
                Console.WriteLine(Invariant($"{workers} worker(s): {jobs} jobs in {clock.Elapsed.TotalSeconds:0.0} s = {jobs / clock.Elapsed.TotalSeconds:0.0} images/s in total; per worker {summaries.Average(s => s.ImagesPerSecond):0.0} images/s; completion {completion:0.0} ms per image (transaction ~{completion - deriveMs:0.0} ms after the alternatives); CPU per image: bench process {benchCpu:0.00} ms, server {serverMs:0.00} ms; WAL {walBytes / 1024:0.0} KiB per image; done {status.Done}, parked {status.Failed}"));
            }

            if (!warmUp && workers == parsed.Ints("workers", "1,2,4").Max())
            {
                Console.WriteLine(Invariant($"After the last round: {await PostgresSizes.DescribeAsync(database, (long)jobs * lines, cancellationToken)} (per line; the jobs table is per image: multiply by {lines})"));
            }

            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }

        return 0;
    }

    // As long as a typical absolute photo path (the dev set's average is 47 characters): the jobs table stores it.
    private static string Path(int i) => $"/mnt/photos/collections/2024/bench/img-{i:D7}.jpg";

    /// <summary>The server's write-ahead log position in bytes: what a replica or a WAL archive must carry.</summary>
    private static async Task<long> WalPositionAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
