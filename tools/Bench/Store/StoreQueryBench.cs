using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;

namespace Retrieval.Bench.Store;

/// <summary>
/// Query latency on the same content in SQLite and PostgreSQL: synthetic recognizer-shaped lines
/// written to both stores, then per query term a candidate lookup and a fetch of the best candidates'
/// lines (what the searcher does before scoring), p50/p95; also the size on disk per line and a
/// check that both stores answered identically.
/// </summary>
public sealed class StoreQueryBench : IBenchCommand
{
    private const string Usage = "store-query --server \"Host=..;Port=..;Username=..\" [--lines 12000] [--queries 300] [--limit 200] [--fetch 50] [--keep yes]";

    public string Name => "store-query";

    public string Description => "Candidate lookup + line fetch latency, SQLite vs PostgreSQL, same content; size per line.";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var parsed = new BenchArgs(args, Usage);
        var server = parsed.Text("server", string.Empty);
        if (server.Length == 0)
        {
            throw new ArgumentException($"Give the server with --server. Usage: {Usage}");
        }

        var lineCount = parsed.Int("lines", 12_000);
        var random = new Random(5);
        var documents = Enumerable.Range(0, lineCount / 10).Select(i => SyntheticDocuments.Image($"/bench/img-{i:D7}.jpg", random, 10)).ToList();
        var terms = SyntheticDocuments.Terms(documents.SelectMany(d => d.Lines).Select(l => l.Text).ToList(), parsed.Int("queries", 300), new Random(9));
        var directory = Path.Combine(Path.GetTempPath(), "retrieval-bench-" + Guid.NewGuid().ToString("N")[..8]);
        await using var databases = new BenchDatabases(server, parsed.Text("keep", "no") == "yes");
        var database = await databases.CreateAsync("bench_query");
        var serverCpu = await ServerCpuClock.OpenAsync(server, cancellationToken);
        try
        {
            await using var sqlite = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = directory });
            await using var postgres = await PostgresIndexStore.OpenAsync(new PostgresIndexOptions { ConnectionString = database }, cancellationToken);
            foreach (var (name, store) in new (string, IIndexStore)[] { ("SQLite", sqlite), ("PostgreSQL", postgres) })
            {
                var cpu = CpuClock.NowMilliseconds();
                var serverStart = serverCpu.NowMilliseconds();
                var clock = Stopwatch.StartNew();
                foreach (var batch in documents.Chunk(50))
                {
                    await store.WriteAsync(batch, cancellationToken);
                }

                Console.WriteLine(Invariant($"{name}: wrote {lineCount} lines in {clock.Elapsed.TotalSeconds:0.0} s ({lineCount / clock.Elapsed.TotalSeconds:0} lines/s, batches of 50 images); CPU: bench process {(CpuClock.NowMilliseconds() - cpu) / 1000:0.0} s{(store is PostgresIndexStore ? ", server " + ServerCpuClock.Seconds(serverCpu.NowMilliseconds() - serverStart) : string.Empty)}"));
            }

            await AnalyzeAsync(database, cancellationToken);
            var limit = parsed.Int("limit", 200);
            var fetch = parsed.Int("fetch", 50);
            var left = await MeasureAsync(sqlite, terms, limit, fetch, cancellationToken);
            var right = await MeasureAsync(postgres, terms, limit, fetch, cancellationToken, serverCpu);
            foreach (var (name, store) in new (string, IIndexStore)[] { ("SQLite", sqlite), ("PostgreSQL", postgres) })
            {
                var trips = new List<TimeSpan>();
                for (var i = 0; i < 300; i++)
                {
                    var clock = Stopwatch.StartNew();
                    await store.GetImageAsync(1 + (i % 100), cancellationToken);
                    trips.Add(clock.Elapsed);
                }

                Console.WriteLine($"{name,-10} one image by id (baseline round trip) {Percentiles.Describe(trips)}");
            }

            var differing = left.Answers.Zip(right.Answers).Count(p => !p.First.SequenceEqual(p.Second));
            Console.WriteLine($"{terms.Count} terms (limit {limit}, fetching the best {fetch}); answers differing between the stores: {differing}");
            foreach (var (name, result) in new[] { ("SQLite", left), ("PostgreSQL", right) })
            {
                Console.WriteLine($"{name,-10} candidates {Percentiles.Describe(result.Candidates)}");
                Console.WriteLine($"{name,-10} line fetch {Percentiles.Describe(result.Fetches)}");
                Console.WriteLine($"{name,-10} both      {Percentiles.Describe(result.Totals)}");
                Console.WriteLine(Invariant($"{name,-10} CPU per term: bench process {result.BenchCpuMs / terms.Count:0.00} ms{(double.IsNaN(result.ServerCpuMs) ? string.Empty : Invariant($", server {result.ServerCpuMs / terms.Count:0.00} ms"))}"));
            }

            sqlite.Dispose();
            var sqliteBytes = new FileInfo(Path.Combine(directory, SqliteIndexOptions.FileName)).Length;
            Console.WriteLine(Invariant($"Size per line: SQLite {sqliteBytes / (double)lineCount:0} B; PostgreSQL {await PostgresSizes.DescribeAsync(database, lineCount, cancellationToken)}"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return 0;
    }

    internal static async Task<Measurement> MeasureAsync(IIndexStore store, IReadOnlyList<string> terms, int limit, int fetch, CancellationToken cancellationToken, ServerCpuClock? serverCpu = null)
    {
        foreach (var term in terms.Take(50))
        {
            await store.CandidateLinesAsync(term, limit, cancellationToken);
        }

        var result = new Measurement([], [], [], []);
        var cpu = CpuClock.NowMilliseconds();
        var server = serverCpu?.NowMilliseconds() ?? double.NaN;
        foreach (var term in terms)
        {
            var clock = Stopwatch.StartNew();
            var candidates = await store.CandidateLinesAsync(term, limit, cancellationToken);
            var found = clock.Elapsed;
            await store.GetLinesAsync(candidates.Take(fetch).Select(c => c.LineId).ToList(), cancellationToken);
            result.Candidates.Add(found);
            result.Fetches.Add(clock.Elapsed - found);
            result.Totals.Add(clock.Elapsed);
            result.Answers.Add(candidates);
        }

        result.BenchCpuMs = CpuClock.NowMilliseconds() - cpu;
        result.ServerCpuMs = (serverCpu?.NowMilliseconds() ?? double.NaN) - server;
        return result;
    }

    private static async Task AnalyzeAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await new NpgsqlCommand("VACUUM ANALYZE", connection).ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    internal sealed record Measurement(List<TimeSpan> Candidates, List<TimeSpan> Fetches, List<TimeSpan> Totals, List<IReadOnlyList<LineCandidate>> Answers)
    {
        /// <summary>CPU of this process over the timed terms, ms.</summary>
        public double BenchCpuMs { get; set; }

        /// <summary>CPU of the PostgreSQL server over the timed terms, ms (NaN when not measured).</summary>
        public double ServerCpuMs { get; set; } = double.NaN;
    }
}

/// <summary>The size of the index tables (and the job queue) of a PostgreSQL database, per line and per table (with their indexes and TOAST), and of the whole database.</summary>
internal static class PostgresSizes
{
    public static async Task<string> DescribeAsync(string database, long lines, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), pg_indexes_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND relkind = 'r' AND relname IN ('images', 'lines', 'words', 'line_text', 'embeddings', 'jobs')
            ORDER BY 2 DESC
            """,
            connection);
        var parts = new List<string>();
        long total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            total += reader.GetInt64(1);
            parts.Add(Invariant($"{reader.GetString(0)} {reader.GetInt64(1) / (double)lines:0} (indexes {reader.GetInt64(3) / (double)lines:0})"));
        }

        await reader.CloseAsync();
        await using var whole = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        var databaseBytes = (long)(await whole.ExecuteScalarAsync(cancellationToken))!;
        return Invariant($"{total / (double)lines:0} B in all: {string.Join(", ", parts)}; whole database {databaseBytes / (double)lines:0} B per line ({databaseBytes / 1048576.0:0.0} MiB)");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
