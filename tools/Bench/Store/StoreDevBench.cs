using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Retrieval.Search;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;

namespace Retrieval.Bench.Store;

/// <summary>
/// The real dev-set index in both stores: copies a SQLite index (made by <c>retrieval index</c>, real
/// models) into a fresh PostgreSQL database through the store API (the same transactions the indexer
/// writes), then answers the same ICDAR2015 word queries through <see cref="Searcher"/> on both: p50/p95
/// of whole searches, CPU per query on each side, whether the answers are identical, and the size per
/// line of each store.
/// </summary>
public sealed class StoreDevBench : IBenchCommand
{
    private const string Usage = "store-dev --server \"Host=..;Port=..;Username=..\" --index SQLITE_INDEX_DIR --gt ICDAR15_GT_DIR [--queries 400] [--top 10] [--batch 50] [--keep yes] [--show 5 (differing queries to list)]";

    public string Name => "store-dev";

    public string Description => "A real SQLite index copied into PostgreSQL: search p50/p95, CPU per query, identical answers, size per line.";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var parsed = new BenchArgs(args, Usage);
        var server = parsed.Text("server", string.Empty);
        var indexDirectory = parsed.Text("index", string.Empty);
        var gt = parsed.Text("gt", string.Empty);
        if (server.Length == 0 || indexDirectory.Length == 0 || gt.Length == 0)
        {
            throw new ArgumentException($"Give --server, --index and --gt. Usage: {Usage}");
        }

        var queries = Queries(gt, parsed.Int("queries", 400));
        var options = new SearchOptions { Top = parsed.Int("top", 10) };
        var serverCpu = await ServerCpuClock.OpenAsync(server, cancellationToken);
        await using var databases = new BenchDatabases(server, parsed.Text("keep", "no") == "yes");
        var database = await databases.CreateAsync("bench_dev");
        await using var sqlite = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = indexDirectory, ReadOnly = true });
        var counts = await sqlite.GetCountsAsync(cancellationToken);
        var documents = await ReadAllAsync(sqlite, cancellationToken);
        var info = await sqlite.GetInfoAsync(cancellationToken);
        var batch = parsed.Int("batch", 50);

        // The same records written afresh by this build into SQLite too: the fair comparison for PostgreSQL
        // (an index made by an earlier build may have derived its candidate text differently).
        var copyDirectory = Directory.CreateTempSubdirectory("retrieval-bench-dev-");
        try
        {
            await using (var copy = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = copyDirectory.FullName }))
            {
                await CopyAsync("SQLite", documents, info, copy, batch, null, cancellationToken);
            }

            await using (var writer = await PostgresIndexStore.OpenAsync(new PostgresIndexOptions { ConnectionString = database }, cancellationToken))
            {
                await CopyAsync("PostgreSQL", documents, info, writer, batch, serverCpu, cancellationToken);
            }

            await ExecuteAsync(database, "VACUUM ANALYZE", cancellationToken);
            await using var rewritten = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = copyDirectory.FullName, ReadOnly = true });
            await using var postgres = await PostgresIndexStore.OpenAsync(new PostgresIndexOptions { ConnectionString = database, ReadOnly = true }, cancellationToken);
            Console.WriteLine(Invariant($"{queries.Count} queries (distinct legible ICDAR2015 words of 3+ characters, seeded sample), top {options.Top}, each searched once after 20 warm-up queries; load average {Machine.LoadAverage()}"));
            Console.WriteLine("| store | p50 ms | p95 ms | mean ms | bench CPU ms/query | server CPU ms/query | wall s |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            var original = await MeasureAsync("SQLite, the index as given", sqlite, queries, options, null, cancellationToken);
            var left = await MeasureAsync("SQLite, written by this build", rewritten, queries, options, null, cancellationToken);
            var right = await MeasureAsync("PostgreSQL, written by this build", postgres, queries, options, serverCpu, cancellationToken);
            Console.WriteLine(Invariant($"Queries whose ranked (path, score) lists differ: PostgreSQL vs SQLite written by this build {Differing(left, right)} of {queries.Count}; SQLite as given vs written by this build {Differing(original, left)}"));
            Show("SQLite written by this build vs PostgreSQL", queries, left, right, parsed.Int("show", 5));
            Show("SQLite as given vs written by this build", queries, original, left, parsed.Int("show", 5));
            rewritten.Dispose();
            Console.WriteLine(Invariant($"Size per line, SQLite written by this build: {DirectoryBytes(copyDirectory.FullName) / (double)counts.Lines:0} B"));
        }
        finally
        {
            copyDirectory.Delete(recursive: true);
        }

        sqlite.Dispose();
        var sqliteBytes = DirectoryBytes(indexDirectory);
        Console.WriteLine(Invariant($"{counts.Images} images, {counts.Lines} lines, {counts.Words} words ({counts.Lines / (double)counts.Images:0.00} lines per image)"));
        Console.WriteLine(Invariant($"Size per line: SQLite {sqliteBytes / (double)counts.Lines:0} B (index.db with WAL); PostgreSQL {await PostgresSizes.DescribeAsync(database, counts.Lines, cancellationToken)}"));

        // Written batch by batch, the GIN indexes grow by page splits and pending-list merges; rebuilt in one
        // go (what a bulk load, REINDEX or VACUUM FULL gives) their posting lists are packed.
        await ExecuteAsync(database, "VACUUM FULL", cancellationToken);
        Console.WriteLine(Invariant($"Size per line after VACUUM FULL (tables and indexes rebuilt): PostgreSQL {await PostgresSizes.DescribeAsync(database, counts.Lines, cancellationToken)}"));
        return 0;
    }

    /// <summary>Every image of <paramref name="source"/> with its lines, words and lattices, as documents to write, in id order.</summary>
    private static async Task<List<ImageDocument>> ReadAllAsync(IIndexStore source, CancellationToken cancellationToken)
    {
        var images = new List<StoredImage>();
        await foreach (var image in source.ListImagesUnderAsync("/", cancellationToken))
        {
            images.Add(image);
        }

        var documents = new List<ImageDocument>(images.Count);
        foreach (var image in images.OrderBy(i => i.Id))
        {
            var lines = await source.GetImageLinesAsync(image.Id, cancellationToken);
            documents.Add(ImageDocument.From(image, lines.Select(LineDocument.From).ToList()));
        }

        return documents;
    }

    /// <summary>Writes the documents in batches of <paramref name="batch"/> (one transaction each, as the indexer does), timed.</summary>
    private static async Task CopyAsync(string name, IReadOnlyList<ImageDocument> documents, IndexInfo info, IIndexStore target, int batch, ServerCpuClock? serverCpu, CancellationToken cancellationToken)
    {
        await target.EnsureModelsAsync(info.Models, info.Folding, rebuild: false, cancellationToken);
        var cpu = CpuClock.NowMilliseconds();
        var server = serverCpu?.NowMilliseconds() ?? double.NaN;
        var clock = Stopwatch.StartNew();
        foreach (var chunk in documents.Chunk(batch))
        {
            await target.WriteAsync(chunk, cancellationToken);
        }

        var serverMs = serverCpu is null ? "-" : Invariant($"{(serverCpu.NowMilliseconds() - server) / documents.Count:0.0} ms");
        Console.WriteLine(Invariant(
            $"Wrote {documents.Count} images ({documents.Sum(d => d.Lines.Count)} lines) into {name} in {clock.Elapsed.TotalSeconds:0.0} s wall, batches of {batch}: {clock.Elapsed.TotalMilliseconds / documents.Count:0.0} ms per image; CPU per image: bench process {(CpuClock.NowMilliseconds() - cpu) / documents.Count:0.0} ms, server {serverMs}"));
    }

    private static int Differing(List<List<(string Path, double Score)>> left, List<List<(string Path, double Score)>> right) =>
        left.Zip(right).Count(p => !p.First.SequenceEqual(p.Second));

    /// <summary>Prints the first <paramref name="count"/> queries whose answers differ, with the first rank where they do.</summary>
    private static void Show(string title, IReadOnlyList<string> queries, List<List<(string Path, double Score)>> left, List<List<(string Path, double Score)>> right, int count)
    {
        if (count > 0 && Differing(left, right) > 0)
        {
            Console.WriteLine($"{title}:");
        }

        foreach (var (query, (a, b)) in queries.Zip(left.Zip(right)).Where(p => !p.Second.First.SequenceEqual(p.Second.Second)).Take(count))
        {
            var rank = a.Zip(b).TakeWhile(p => p.First == p.Second).Count();
            string Describe(List<(string Path, double Score)> hits) =>
                rank < hits.Count ? Invariant($"{Path.GetFileName(hits[rank].Path)} {hits[rank].Score:0.000000}") : "(none)";
            Console.WriteLine(Invariant($"  '{query}': {a.Count} vs {b.Count} hits, first difference at rank {rank + 1}: {Describe(a)} vs {Describe(b)}"));
        }
    }

    private static long DirectoryBytes(string directory) =>
        Directory.GetFiles(directory, SqliteIndexOptions.FileName + "*").Sum(f => new FileInfo(f).Length);

    private static async Task<List<List<(string Path, double Score)>>> MeasureAsync(string name, IIndexStore store, IReadOnlyList<string> queries, SearchOptions options, ServerCpuClock? serverCpu, CancellationToken cancellationToken)
    {
        var searcher = Searcher.Create(store);
        foreach (var query in queries.Take(20))
        {
            await searcher.SearchAsync(query, options, cancellationToken);
        }

        var answers = new List<List<(string Path, double Score)>>(queries.Count);
        var timings = new List<double>(queries.Count);
        var cpu = CpuClock.NowMilliseconds();
        var server = serverCpu?.NowMilliseconds() ?? double.NaN;
        var wall = Stopwatch.StartNew();
        foreach (var query in queries)
        {
            var clock = Stopwatch.StartNew();
            var response = await searcher.SearchAsync(query, options, cancellationToken);
            timings.Add(clock.Elapsed.TotalMilliseconds);
            answers.Add(response.Hits.Select(h => (h.Image.Key.Path, Math.Round(h.Score, 9))).ToList());
        }

        wall.Stop();
        var serverMs = serverCpu is null ? "-" : Invariant($"{(serverCpu.NowMilliseconds() - server) / queries.Count:0.00}");
        var sorted = timings.Order().ToArray();
        double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        Console.WriteLine(Invariant($"| {name} | {At(0.5):0.00} | {At(0.95):0.00} | {sorted.Average():0.00} | {(CpuClock.NowMilliseconds() - cpu) / queries.Count:0.00} | {serverMs} | {wall.Elapsed.TotalSeconds:0.0} |"));
        return answers;
    }

    /// <summary>Distinct legible ground-truth words of 3+ characters, lower-cased, in a seeded random order.</summary>
    private static List<string> Queries(string gtDirectory, int count)
    {
        var words = Directory.GetFiles(gtDirectory, "gt_img_*.txt")
            .SelectMany(Icdar15Words.Parse)
            .Where(w => w.IsLegible)
            .Select(w => w.Text.Trim().ToLowerInvariant())
            .Where(w => w.Count(char.IsLetterOrDigit) >= 3)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var random = new Random(17);
        return words.OrderBy(_ => random.Next()).Take(count).ToList();
    }

    private static async Task ExecuteAsync(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
