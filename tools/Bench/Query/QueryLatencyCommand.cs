using System.Globalization;
using Retrieval.Search;
using Retrieval.Search.Store;

namespace Retrieval.Bench.Query;

/// <summary>
/// Query latency on an existing index: the 100 ICDAR2015 dev queries and 1000 others (see
/// <see cref="QueryWorkload"/>) sent one at a time through <see cref="Searcher.SearchAsync"/> with
/// the CLI's page size, p50/p95/p99 per group; optionally the candidate recall against exhaustive
/// scoring, and a saved or compared snapshot of the dev rankings. See <see cref="Usage"/>.
/// </summary>
public sealed class QueryLatencyCommand : IBenchCommand
{
    public const string Usage =
        "query-latency --index DIR [--gt DIR | --queries FILE] [--others 1000] [--seed 1] [--top 10] [--candidates N] [--parallelism 0] [--warmup 200] [--rounds 1] " +
        "[--recall] [--recall-depth 100] [--recall-candidates 0] [--save-rankings FILE] [--compare-rankings FILE] [--samples FILE]   " +
        "(--samples: every timed query as a TSV row; --queries: one query per line, sent as written, instead of the dev workload; --recall: candidate recall of the dev (or listed) queries against exhaustive scoring, or against --recall-candidates N per term)";

    public string Name => "query-latency";

    public string Description => "Query latency p50/p95/p99 on an index (dev top-100 + 1000 other queries), candidate recall, ranking snapshots";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        string index;
        string? groundTruth, queryFile;
        int others, seed, warmup, rounds, depth, referenceCandidates;
        bool recall;
        string? save, compare, sampleFile;
        SearchOptions options;
        try
        {
            var arguments = new BenchArguments(args, Usage);
            index = arguments.Required("index");
            queryFile = arguments.String("queries");
            groundTruth = queryFile is null ? arguments.GroundTruth() : null;
            others = arguments.Int("others", 1000);
            seed = arguments.Int("seed", 1);
            warmup = arguments.Int("warmup", 200);
            rounds = arguments.Int("rounds", 1, min: 1);
            options = SearchOptions.Default with
            {
                Top = arguments.Int("top", 10, min: 1),
                CandidatesPerTerm = arguments.Int("candidates", SearchOptions.Default.CandidatesPerTerm, min: 1),
                Parallelism = arguments.Int("parallelism", 0),
            };
            recall = arguments.Flag("recall");
            depth = arguments.Int("recall-depth", 100, min: 1);
            referenceCandidates = arguments.Int("recall-candidates", 0);
            save = arguments.String("save-rankings");
            compare = arguments.String("compare-rankings");
            sampleFile = arguments.String("samples");
            arguments.ThrowIfUnused();
            options.Validate();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        IReadOnlyList<WorkloadQuery> queries;
        try
        {
            queries = queryFile is null ? QueryWorkload.Build(groundTruth!, others, seed, cancellationToken) : QueryWorkload.FromFile(queryFile);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        var searcher = Searcher.Create(store);
        await PrintHeaderAsync(Console.Out, store, queries.Count, options, cancellationToken).ConfigureAwait(false);
        IndexSizeBreakdown.Print(Console.Out, store.DatabasePath, (await store.GetCountsAsync(cancellationToken).ConfigureAwait(false)).Lines);
        Console.WriteLine($"# before: {LatencyReport.LoadAverage()}");
        var samples = await LatencyRunner.RunAsync(searcher, queries, options, warmup, rounds, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"# after: {LatencyReport.LoadAverage()}");
        LatencyReport.Print(Console.Out, $"query latency, top {options.Top}, candidates per term {options.CandidatesPerTerm}, {rounds} round(s)", samples);

        if (sampleFile is not null)
        {
            SampleFile.Save(sampleFile, samples);
            Console.WriteLine($"samples saved to {sampleFile}");
        }

        if (save is not null)
        {
            RankingSnapshot.Save(save, samples);
            Console.WriteLine($"rankings saved to {save}");
        }

        if (compare is not null)
        {
            RankingSnapshot.Compare(Console.Out, compare, samples);
        }

        if (recall)
        {
            await CandidateRecall.PrintAsync(Console.Out, searcher, queries.Where(QueryWorkload.IsRanked).ToList(), options, depth, referenceCandidates, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>What was measured: the index (records and file size), the workload, the machine and the date.</summary>
    internal static async Task PrintHeaderAsync(TextWriter writer, SqliteIndexStore store, int queries, SearchOptions options, CancellationToken cancellationToken)
    {
        var counts = await store.GetCountsAsync(cancellationToken).ConfigureAwait(false);
        var bytes = IndexFiles.Bytes(store.DatabasePath);
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"# {store.Location}: {counts.Images} images, {counts.Lines} lines, {counts.Words} words, {bytes / 1048576.0:F1} MiB ({(counts.Lines == 0 ? 0 : bytes / (double)counts.Lines):F0} B/line)"));
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"# {queries} queries, top {options.Top}, candidates per term {options.CandidatesPerTerm}, min score {options.MinScore}, parallelism {options.Parallelism} (0: one thread per core); {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
    }
}
