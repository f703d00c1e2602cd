using System.Globalization;
using Retrieval.Search;
using Retrieval.Search.Store;

namespace Retrieval.Bench.Query;

/// <summary>
/// Query latency and index size as the index grows: builds a <see cref="SyntheticCollection"/> from
/// a real index up to each of <c>--lines</c> (kept under <c>--scratch</c> and reused by later runs
/// unless <c>--rebuild</c>), then runs the <see cref="QueryWorkload"/> on every size and reports
/// latency per group, bytes per line and build time. See <see cref="Usage"/>.
/// </summary>
public sealed class QueryScaleCommand : IBenchCommand
{
    public const string Usage =
        "query-scale --index DIR --scratch DIR [--lines 100000,300000,1000000] [--gt DIR] [--others 1000] [--seed 1] [--warmup 200] [--rounds 1] " +
        "[--top 10] [--candidates N] [--parallelism 0] [--batch 1000] [--rebuild] [--build-only] [--recall-lines 0] [--recall-candidates 0]   " +
        "(--index: the real index to replicate; --recall-lines N: also measure candidate recall on sizes up to N lines, against exhaustive scoring or --recall-candidates per term)";

    private static readonly int[] DefaultTargets = [100_000, 300_000, 1_000_000];

    public string Name => "query-scale";

    public string Description => "Query latency, index size and build time on synthetic indexes of 100k..1M lines replicated from a real index";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        string index, scratch, groundTruth;
        IReadOnlyList<int> targets;
        int others, seed, warmup, rounds, batch, recallLines, referenceCandidates;
        bool rebuild, buildOnly;
        SearchOptions options;
        try
        {
            var arguments = new BenchArguments(args, Usage);
            index = arguments.Required("index");
            scratch = Path.GetFullPath(arguments.Required("scratch"));
            targets = arguments.Ints("lines", DefaultTargets).Order().Distinct().ToList();
            groundTruth = arguments.GroundTruth();
            others = arguments.Int("others", 1000);
            seed = arguments.Int("seed", 1);
            warmup = arguments.Int("warmup", 200);
            rounds = arguments.Int("rounds", 1, min: 1);
            batch = arguments.Int("batch", 1000, min: 1);
            rebuild = arguments.Flag("rebuild");
            buildOnly = arguments.Flag("build-only");
            recallLines = arguments.Int("recall-lines", 0);
            referenceCandidates = arguments.Int("recall-candidates", 0);
            options = SearchOptions.Default with
            {
                Top = arguments.Int("top", 10, min: 1),
                CandidatesPerTerm = arguments.Int("candidates", SearchOptions.Default.CandidatesPerTerm, min: 1),
                Parallelism = arguments.Int("parallelism", 0),
            };
            arguments.ThrowIfUnused();
            options.Validate();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        var snapshots = rebuild ? null : targets.Select(t => ScaleSnapshot.TryLoad(SyntheticIndexBuilder.SnapshotDirectory(scratch, t))).ToList();
        if (snapshots is null || snapshots.Any(s => s is null))
        {
            snapshots = [.. await BuildAsync(index, scratch, targets, seed, batch, cancellationToken).ConfigureAwait(false)];
        }

        Console.WriteLine();
        Console.WriteLine("## index size and build time (SqliteIndexStore.WriteAsync, cumulative; one writer)");
        Console.WriteLine("| lines | images | file MiB | B/line | build wall s | build CPU s | lines/s (wall) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var s in snapshots)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {s!.Lines:N0} | {s.Images:N0} | {s.Bytes / 1048576.0:F0} | {s.Bytes / (double)s.Lines:F0} | {s.BuildWallSeconds:F0} | {s.BuildCpuSeconds:F0} | {s.Lines / s.BuildWallSeconds:F0} |"));
        }

        foreach (var s in snapshots)
        {
            IndexSizeBreakdown.Print(Console.Out, Path.Combine(s!.Directory, SqliteIndexOptions.FileName), s.Lines);
        }

        if (buildOnly)
        {
            return 0;
        }

        var queries = QueryWorkload.Build(groundTruth, others, seed, cancellationToken);
        foreach (var s in snapshots)
        {
            await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = s!.Directory, ReadOnly = true });
            var searcher = Searcher.Create(store);
            Console.WriteLine();
            await QueryLatencyCommand.PrintHeaderAsync(Console.Out, store, queries.Count, options, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"# before: {LatencyReport.LoadAverage()}");
            var samples = await LatencyRunner.RunAsync(searcher, queries, options, warmup, rounds, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"# after: {LatencyReport.LoadAverage()}");
            LatencyReport.Print(Console.Out, string.Create(CultureInfo.InvariantCulture, $"{s.Lines:N0} lines: query latency, top {options.Top}, {rounds} round(s)"), samples);
            if (s.Lines <= recallLines)
            {
                await CandidateRecall.PrintAsync(Console.Out, searcher, queries.Where(QueryWorkload.IsRanked).ToList(), options, 100, referenceCandidates, cancellationToken).ConfigureAwait(false);
            }
        }

        return 0;
    }

    private static async Task<IReadOnlyList<ScaleSnapshot>> BuildAsync(string index, string scratch, IReadOnlyList<int> targets, int seed, int batch, CancellationToken cancellationToken)
    {
        SyntheticCollection collection;
        IndexInfo info;
        await using (var source = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true }))
        {
            info = await source.GetInfoAsync(cancellationToken).ConfigureAwait(false);
            collection = await SyntheticCollection.LoadAsync(source, seed, cancellationToken).ConfigureAwait(false);
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"# building synthetic indexes of {string.Join(", ", targets)} lines in {scratch} from {index} ({collection.ImagesPerCopy} images, {collection.LinesPerCopy} lines per copy), batches of {batch} images"));
        Console.WriteLine($"# {LatencyReport.LoadAverage()}");
        return await SyntheticIndexBuilder.BuildAsync(collection, info, scratch, targets, batch, Console.Out, cancellationToken).ConfigureAwait(false);
    }
}
