using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Retrieval.Models.Text;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;
using Retrieval.TestSupport.Text;

namespace Retrieval.Bench.Store;

/// <summary>
/// Query latency on a big PostgreSQL index generated inside the database with generate_series:
/// lines shaped like the synthetic ones (8 to 24 characters, one in four Chinese, a few words each),
/// readings of the best text plus 7 alternatives with one character changed each, one stored lattice
/// repeated, images of 10 lines. Then candidate lookup + line fetch p50/p95 for terms drawn from the
/// content, and the size per line.
/// </summary>
public sealed class StoreBigBench : IBenchCommand
{
    private const string Usage = "store-big --server \"Host=..;Port=..;Username=..\" [--lines 1000000] [--queries 200] [--limit 200] [--fetch 50] [--keep yes] [--database NAME (measure a kept one)] [--similarity 0.5 (also measure word-similarity pruning)]";

    private const string Latin = SyntheticText.Latin;
    private const string Cjk = SyntheticText.Cjk;

    public string Name => "store-big";

    public string Description => "PostgreSQL candidate lookup + line fetch on a generate_series table of N lines; size per line.";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var parsed = new BenchArgs(args, Usage);
        var server = parsed.Text("server", string.Empty);
        if (server.Length == 0)
        {
            throw new ArgumentException($"Give the server with --server. Usage: {Usage}");
        }

        var lines = parsed.Int("lines", 1_000_000);
        await using var databases = new BenchDatabases(server, parsed.Text("keep", "no") == "yes");
        var reuse = parsed.Text("database", string.Empty);
        var database = reuse.Length > 0 ? new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = reuse }.ConnectionString : await databases.CreateAsync("bench_big");
        var serverCpu = await ServerCpuClock.OpenAsync(server, cancellationToken);
        if (reuse.Length == 0)
        {
            await PostgresMigrations.ApplyAsync(database, cancellationToken);
            await GenerateAsync(database, lines, serverCpu, cancellationToken);
        }

        Console.WriteLine($"Size per line: {await PostgresSizes.DescribeAsync(database, lines, cancellationToken)}");

        var texts = await SampleTextsAsync(database, 3000, cancellationToken);
        var terms = SyntheticDocuments.Terms(texts, parsed.Int("queries", 200), new Random(9));
        var limit = parsed.Int("limit", 200);
        var fetch = parsed.Int("fetch", 50);
        var similarity = parsed.Text("similarity", string.Empty);
        foreach (var threshold in new double?[] { null }.Concat(similarity.Length > 0 ? [double.Parse(similarity, CultureInfo.InvariantCulture)] : []))
        {
            await using var store = await PostgresIndexStore.OpenAsync(new PostgresIndexOptions { ConnectionString = database, ReadOnly = true, WordSimilarityThreshold = threshold, StatementTimeout = TimeSpan.Zero, MaxCandidates = 100_000 }, cancellationToken);
            var result = await StoreQueryBench.MeasureAsync(store, terms, limit, fetch, cancellationToken, serverCpu);
            var mode = threshold is { } t ? Invariant($"word similarity >= {t}") : "exact";
            Console.WriteLine($"{terms.Count} terms on {lines} lines, {mode} candidates (limit {limit}, fetching the best {fetch}); candidates per term: median {result.Answers.Select(a => a.Count).Order().ElementAt(result.Answers.Count / 2)}");
            Console.WriteLine($"PostgreSQL candidates {Percentiles.Describe(result.Candidates)}");
            Console.WriteLine($"PostgreSQL line fetch {Percentiles.Describe(result.Fetches)}");
            Console.WriteLine($"PostgreSQL both      {Percentiles.Describe(result.Totals)}");
            Console.WriteLine(Invariant($"CPU per term: bench process {result.BenchCpuMs / terms.Count:0.00} ms, server {result.ServerCpuMs / terms.Count:0.00} ms; load average {Machine.LoadAverage()}"));
            var slowest = terms.Zip(result.Candidates).OrderByDescending(p => p.Second).Take(5).Select(p => Invariant($"'{p.First}' {p.Second.TotalMilliseconds:0} ms"));
            Console.WriteLine($"Slowest candidate lookups: {string.Join(", ", slowest)}");
        }

        return 0;
    }

    private static async Task GenerateAsync(string database, int lines, ServerCpuClock serverCpu, CancellationToken cancellationToken)
    {
        var lattice = LatticeCodec.Encode(SyntheticText.Line(new Random(3)).Lattice);
        var quad = new byte[32];
        var alternative = $"overlay(t placing substr(CASE WHEN cjk THEN '{Cjk}' ELSE '{Latin}' END, 1 + floor(random() * CASE WHEN cjk THEN {Cjk.Length} ELSE {Latin.Length} END)::integer, 1) from 1 + floor(random() * length(t))::integer for 1)";
        var steps = new (string Name, string Sql)[]
        {
            ("settings", "SET maintenance_work_mem = '512MB'; SET session_replication_role = replica; DROP INDEX line_text_trigrams, line_text_short_keys"),
            ("keys function", """
                CREATE FUNCTION pg_temp.short_keys(r text) RETURNS integer[] LANGUAGE sql IMMUTABLE STRICT RETURN (
                    SELECT array_agg(DISTINCT k ORDER BY k)
                    FROM (SELECT ascii(c) AS a, ascii(lead(c) OVER (ORDER BY i)) AS b FROM unnest(string_to_array(r, NULL)) WITH ORDINALITY AS t (c, i)) AS p
                    CROSS JOIN LATERAL (VALUES (a), (-1 - ((a::bigint * 1114112 + b) % 2147483629)::integer)) AS v (k)
                    WHERE k IS NOT NULL)
                """),
            ("texts", $"""
                CREATE UNLOGGED TABLE gen AS
                SELECT g AS id, cjk, btrim((SELECT string_agg(CASE WHEN NOT cjk AND i > 1 AND random() < 1.0 / 6 THEN ' '
                                                             ELSE substr(CASE WHEN cjk THEN '{Cjk}' ELSE '{Latin}' END,
                                                                         1 + floor(random() * CASE WHEN cjk THEN {Cjk.Length} ELSE {Latin.Length} END)::integer, 1) END, '')
                                            FROM generate_series(1, 8 + floor(random() * 17)::integer + 0 * g) AS i)) AS t
                FROM (SELECT g, random() < 0.25 AS cjk FROM generate_series(1, {lines}) AS g) AS s
                """),
            ("images", $"INSERT INTO images (id, path, frame_ticks, kind, root, size, modified_ticks, width, height, status, indexed_ticks) SELECT g, '/big/img-' || lpad(g::text, 9, '0') || '.jpg', -1, 0, '/big', 100000, 0, 1280, 720, 0, 0 FROM generate_series(1, {(lines + 9) / 10}) AS g"),
            ("lines", "INSERT INTO lines (id, image_id, ordinal, quad, text, confidence, lattice) SELECT id, (id - 1) / 10 + 1, (id - 1) % 10, $1, t, 0.9, $2 FROM gen"),
            ("words", "INSERT INTO words (line_id, ordinal, quad, text, confidence) SELECT id, w.n - 1, $1, w.word, 0.9 FROM gen, regexp_split_to_table(t, ' +') WITH ORDINALITY AS w (word, n)"),
            ("readings", $"CREATE UNLOGGED TABLE gen_readings AS SELECT id, concat_ws(E'\\n', t, {string.Join(", ", Enumerable.Repeat(alternative, 7))}) AS r FROM gen"),
            ("line_text + short keys", "INSERT INTO line_text (line_id, readings, short_keys) SELECT id, r, pg_temp.short_keys(r) FROM gen_readings"),
            ("trigram GIN index", "CREATE INDEX line_text_trigrams ON line_text USING gin (readings gin_trgm_ops)"),
            ("short-key GIN index", "CREATE INDEX line_text_short_keys ON line_text USING gin (short_keys)"),
            ("finish", $"SELECT setval('image_ids', {(lines + 9) / 10}); SELECT setval('line_ids', {lines}); DROP TABLE gen, gen_readings; RESET session_replication_role"),
            ("vacuum analyze", "VACUUM ANALYZE"),
        };

        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false, CommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var total = Stopwatch.StartNew();
        var totalCpu = serverCpu.NowMilliseconds();
        foreach (var (name, sql) in steps)
        {
            var clock = Stopwatch.StartNew();
            var cpu = serverCpu.NowMilliseconds();
            await using var command = new NpgsqlCommand(sql, connection);
            if (sql.Contains("$1", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = quad });
                if (sql.Contains("$2", StringComparison.Ordinal))
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = lattice });
                }
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
            Console.WriteLine(Invariant($"  {name}: {clock.Elapsed.TotalSeconds:0.0} s wall, server CPU {ServerCpuClock.Seconds(serverCpu.NowMilliseconds() - cpu)}, load average {Machine.LoadAverage()}"));
        }

        Console.WriteLine(Invariant($"Generated {lines} lines in {total.Elapsed.TotalMinutes:0.0} min wall, server CPU {ServerCpuClock.Seconds(serverCpu.NowMilliseconds() - totalCpu)}"));
    }

    private static async Task<List<string>> SampleTextsAsync(string database, int count, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT text FROM lines WHERE id IN (SELECT 1 + floor(random() * (SELECT max(id) FROM lines))::bigint FROM generate_series(1, $1))", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        var texts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            texts.Add(reader.GetString(0));
        }

        return texts;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
