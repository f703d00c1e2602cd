using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Retrieval.Bench.Serve;

/// <summary>
/// Load on the HTTP API from a second process over loopback: /api/search under concurrent clients
/// (every query once, then a timed run of repeated queries), and thumbnail latency cold, cached and
/// revalidated (304). Bounded in requests and time. Starts <c>retrieval serve --read-only</c> on the
/// index itself (with an empty thumbnail cache), or measures a running server with --url.
/// <c>serve-load (--index DIR | --url URL) [--queries FILE | --gt DIR] [--clients 16] [--seconds 20]
/// [--max-requests 20000] [--top 24] [--warm-passes 0] [--thumbnails 60] [--thumb-clients 4] [--api-key KEY]</c>
/// <para>
/// A freshly started server runs its first few thousand queries partly in unoptimized (tier-0) code
/// and spends CPU compiling; <c>--warm-passes N</c> first sends every measured query N times with
/// page sizes top+1..top+N (so the page cache cannot answer the measured phase, while the same lines
/// are scored and the same code runs), which measures the steady state of a server that has been up
/// a while. The default 0 keeps the cold measurement of earlier runs.
/// </para>
/// </summary>
public sealed class ServeLoadBench : IBenchCommand
{
    public string Name => "serve-load";

    public string Description => "HTTP API under load: /api/search req/s and p50/p95/p99 at N clients; thumbnails cold/cached/304";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var clients = Int(args, "--clients", 16);
        var seconds = Int(args, "--seconds", 20);
        var maxRequests = Int(args, "--max-requests", 20_000);
        var top = Int(args, "--top", 24);
        var thumbnailCount = Int(args, "--thumbnails", 60);
        var thumbClients = Int(args, "--thumb-clients", 4);
        var warmPasses = Int(args, "--warm-passes", 0);
        var queries = LoadQueries(Option(args, "--queries"), Option(args, "--gt"));
        if (queries is null || queries.Count < 40)
        {
            Console.Error.WriteLine("Give --queries FILE (one query per line, 40 or more) or --gt DIR (ICDAR gt_*.txt), or set RETRIEVAL_DEV_DATA.");
            return 2;
        }

        var url = Option(args, "--url");
        var index = Option(args, "--index");
        if ((url is null) == (index is null))
        {
            Console.Error.WriteLine("Give either --index DIR (the bench starts the server) or --url URL (a running server).");
            return 2;
        }

        var thumbnails = Directory.CreateTempSubdirectory("retrieval-serve-load-");
        try
        {
            await using var server = index is null
                ? null
                : await ServerProcess.StartAsync(["--index", index, "--urls", "http://127.0.0.1:0", "--read-only", "--thumbnails", thumbnails.FullName], cancellationToken);
            var address = server?.Address ?? new Uri(url!);
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(clients, thumbClients), PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
            {
                BaseAddress = address,
                Timeout = TimeSpan.FromSeconds(60),
            };
            if (Option(args, "--api-key") is { } key)
            {
                client.DefaultRequestHeaders.Add("X-Api-Key", key);
            }

            var status = await client.GetStringAsync("/api/status", cancellationToken);
            Console.WriteLine($"# serve-load: {address} ({index ?? "running server"}), {queries.Count} queries, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
            Console.WriteLine($"# index: {JsonDocument.Parse(status).RootElement.GetProperty("index")}");
            Console.WriteLine($"# command: serve-load {string.Join(' ', args)}");
            Console.WriteLine();
            Console.WriteLine(LoadResult.Header);

            // Warm-up (JIT, connection pool) on queries kept out of the measured phases.
            var warmup = queries.TakeLast(20).ToList();
            var measured = queries.Take(queries.Count - warmup.Count).ToList();
            await LoadGenerator.RunAsync(client, "warm-up", i => i < warmup.Count ? Search(warmup[i], top) : null, 4, warmup.Count, TimeSpan.FromSeconds(60), cancellationToken);

            async Task<LoadResult> Phase(Func<Task<LoadResult>> run)
            {
                var before = server?.ProcessorTime;
                var clientBefore = CpuClock.NowMilliseconds();
                var result = await run();
                result.ClientProcessorMilliseconds = CpuClock.NowMilliseconds() - clientBefore;
                result.ServerProcessorTime = server?.ProcessorTime - before;
                Console.WriteLine(result.Row());
                return result;
            }

            for (var pass = 1; pass <= warmPasses; pass++)
            {
                var size = top + pass;
                await Phase(() => LoadGenerator.RunAsync(client, $"warm pass {pass}: every query once, top {size}", i => i < measured.Count ? Search(measured[i], size) : null, clients, maxRequests, TimeSpan.FromSeconds(Math.Max(seconds, 60)), cancellationToken));
            }

            var once = await Phase(() => LoadGenerator.RunAsync(client, "search, every query once", i => i < measured.Count ? Search(measured[i], top) : null, clients, maxRequests, TimeSpan.FromSeconds(seconds), cancellationToken));
            var random = new Random(7);
            var picks = Enumerable.Range(0, maxRequests).Select(_ => measured[random.Next(measured.Count)]).ToArray();
            var repeated = await Phase(() => LoadGenerator.RunAsync(client, "search, repeated queries", i => Search(picks[i], top), clients, maxRequests, TimeSpan.FromSeconds(seconds), cancellationToken));
            await Phase(() => LoadGenerator.RunAsync(client, "search, 1 client, repeated", i => Search(picks[i], top), 1, Math.Min(maxRequests, 2000), TimeSpan.FromSeconds(Math.Min(seconds, 10)), cancellationToken));

            var ids = await ImageIdsAsync(client, measured, thumbnailCount, cancellationToken);
            string Thumb(int i) => $"/api/images/{ids[i]}/thumbnail?size=320";
            await Phase(() => LoadGenerator.RunAsync(client, $"thumbnail 320, cold ({ids.Count} images)", i => i < ids.Count ? Thumb(i) : null, thumbClients, ids.Count, TimeSpan.FromSeconds(120), cancellationToken));
            await Phase(() => LoadGenerator.RunAsync(client, "thumbnail 320, cached", i => i < ids.Count ? Thumb(i) : null, thumbClients, ids.Count, TimeSpan.FromSeconds(60), cancellationToken));
            await Phase(() => RevalidateAsync(client, ids, thumbClients, cancellationToken));
            return once.Count > 0 && repeated.Count > 0 ? 0 : 1;
        }
        finally
        {
            thumbnails.Delete(recursive: true);
        }
    }

    private static string Search(string query, int top) => $"/api/search?q={Uri.EscapeDataString(query)}&top={top}";

    /// <summary>Distinct image ids from search results, for the thumbnail phases.</summary>
    private static async Task<List<long>> ImageIdsAsync(HttpClient client, IReadOnlyList<string> queries, int count, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        foreach (var query in queries)
        {
            using var json = JsonDocument.Parse(await client.GetStringAsync(Search(query, 24), cancellationToken));
            foreach (var result in json.RootElement.GetProperty("results").EnumerateArray())
            {
                var id = result.GetProperty("id").GetInt64();
                if (!ids.Contains(id))
                {
                    ids.Add(id);
                }
            }

            if (ids.Count >= count)
            {
                break;
            }
        }

        return ids.Take(count).ToList();
    }

    /// <summary>Conditional requests with each thumbnail's ETag: what a browser does after max-age.</summary>
    private static async Task<LoadResult> RevalidateAsync(HttpClient client, IReadOnlyList<long> ids, int clients, CancellationToken cancellationToken)
    {
        var tags = new Dictionary<long, EntityTagHeaderValue>();
        foreach (var id in ids)
        {
            using var response = await client.GetAsync($"/api/images/{id}/thumbnail?size=320", cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK && response.Headers.ETag is { } tag)
            {
                tags[id] = tag;
            }
        }

        using var conditional = new HttpClient(new RevalidatingHandler(tags)) { BaseAddress = client.BaseAddress };
        foreach (var header in client.DefaultRequestHeaders)
        {
            conditional.DefaultRequestHeaders.TryAddWithoutValidation(header.Key, header.Value);
        }

        return await LoadGenerator.RunAsync(conditional, "thumbnail 320, If-None-Match (304)", i => i < ids.Count ? $"/api/images/{ids[i]}/thumbnail?size=320" : null, clients, ids.Count, TimeSpan.FromSeconds(60), cancellationToken);
    }

    private static List<string>? LoadQueries(string? file, string? gt)
    {
        if (file is not null)
        {
            return File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        }

        gt ??= Environment.GetEnvironmentVariable("RETRIEVAL_DEV_DATA") is { Length: > 0 } data ? Path.Combine(data, "gt") : null;
        if (gt is null || !Directory.Exists(gt))
        {
            return null;
        }

        // Words of 3+ letters from the ground truth, shuffled with a fixed seed.
        var words = Directory.EnumerateFiles(gt, "*.txt")
            .SelectMany(File.ReadLines)
            .Select(l => l.TrimStart('\uFEFF').Split(',', 9))
            .Where(p => p.Length == 9 && p[8].Trim() != "###")
            .Select(p => new string(p[8].Trim().Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant())
            .Where(w => w.Length >= 3)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var random = new Random(1);
        return words.OrderBy(_ => random.Next()).ToList();
    }

    private static int Int(IReadOnlyList<string> args, string name, int fallback) =>
        Option(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }

    /// <summary>Adds If-None-Match with the thumbnail's known tag to each request.</summary>
    private sealed class RevalidatingHandler(Dictionary<long, EntityTagHeaderValue> tags) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var segments = request.RequestUri!.AbsolutePath.Split('/');
            if (segments.Length > 3 && long.TryParse(segments[3], CultureInfo.InvariantCulture, out var id) && tags.TryGetValue(id, out var tag))
            {
                request.Headers.IfNoneMatch.Add(tag);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
