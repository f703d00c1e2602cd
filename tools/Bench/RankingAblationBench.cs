using System.Diagnostics;
using System.Globalization;
using Retrieval.Indexer.Evaluation;
using Retrieval.Models.Text;
using Retrieval.Search;
using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Datasets;
using Retrieval.Search.Evaluation.Metrics;
using Retrieval.Search.Query;
using Retrieval.Search.Scoring;
using Retrieval.Search.Store;

namespace Retrieval.Bench;

/// <summary>
/// <c>rank-ablation</c>: how much each ranking idea is worth on an already built ICDAR2015 index:
/// exact word match on the best reading, edit-distance match on the best reading, and lattice
/// scoring (CTC keyword spotting) with its options varied. Same index, same queries, same metric.
/// </summary>
internal sealed class RankingAblationBench : IBenchCommand
{
    public string Name => "rank-ablation";

    public string Description => "mAP of best-reading exact / edit-distance matching vs lattice scoring variants (--index DIR --data DIR [--only TEXT: the lattice rows whose name contains it])";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var index = Value(args, "--index") ?? throw new ArgumentException("--index DIR is required (an index built by `retrieval eval ic15`).");
        var only = Value(args, "--only");
        var data = Value(args, "--data") ?? Environment.GetEnvironmentVariable("RETRIEVAL_DEV_DATA") ?? "../shared/data/ic15-train";
        var sets = new[] { WordQuerySet.TopWords, WordQuerySet.Phrases }
            .Select(s => Icdar2015Benchmark.Load(new Icdar2015Options(Path.Combine(data, "images"), Path.Combine(data, "gt")) { QuerySet = s }, cancellationToken))
            .ToList();
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        var readings = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await foreach (var line in store.StreamLinesAsync(cancellationToken))
        {
            if (!readings.TryGetValue(line.Image.Path, out var list))
            {
                readings[line.Image.Path] = list = [];
            }

            list.Add(Folding.Fold(line.Text, TextFolding.Default));
        }

        Console.WriteLine($"index {index}: {readings.Count} images with text; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores");
        Console.WriteLine("| ranking | top-100 words mAP | ms/query | phrases mAP | ms/query |");
        Console.WriteLine("|---|---|---|---|---|");
        if (only is null)
        {
            await Row("exact word match on the best reading", q => Exact(readings, q), sets);
            await Row("edit-distance match on the best reading", q => Fuzzy(readings, q), sets);
        }

        var defaults = SpottingOptions.Default;
        var variants = new (string Name, SpottingOptions Options, WordLexicon Lexicon)[]
        {
            ("lattice scoring, no word list (reading context off)", defaults, WordLexicon.Empty),
            ("lattice scoring (defaults)", defaults, WordLexicon.Default),
            ("lattice, inside-word weight 0.4", defaults with { InsideWordWeight = 0.4 }, WordLexicon.Default),
            ("lattice, inside-word weight 0.5", defaults with { InsideWordWeight = 0.5 }, WordLexicon.Default),
            ("lattice, inside-word weight 0.7", defaults with { InsideWordWeight = 0.7 }, WordLexicon.Default),
            ("lattice, glued-word weight 0.8 (no lift)", defaults with { GluedWordWeight = 0.8 }, WordLexicon.Default),
            ("lattice, glued-word weight 0.9", defaults with { GluedWordWeight = 0.9 }, WordLexicon.Default),
            ("lattice, read-word weight 0.85", defaults with { ReadWordWeight = 0.85 }, WordLexicon.Default),
            ("lattice, read-word weight 1", defaults with { ReadWordWeight = 1 }, WordLexicon.Default),
            ("lattice, substring weight 0.6", defaults with { SubstringWeight = 0.6, InsideWordWeight = 0.6 }, WordLexicon.Default),
            ("lattice, length normalization cap 3", defaults with { LengthNormalizationCap = 3 }, WordLexicon.Default),
            ("lattice, length normalization cap 8", defaults with { LengthNormalizationCap = 8 }, WordLexicon.Default),
            ("lattice, unlisted spread 32", defaults with { UnlistedSymbolSpread = 32 }, WordLexicon.Default),
        };
        foreach (var (name, options, lexicon) in variants.Where(v => only is null || v.Name.Contains(only, StringComparison.Ordinal)))
        {
            var searcher = new Searcher(store, new QueryParser(), new ImageScorer(options, lexicon));
            var search = new SearchOptions { Top = 1000, MinScore = 0 };
            await Row(name, async q =>
            {
                try
                {
                    var response = await searcher.SearchAsync(EvaluationRunner.QueryText(q), search, cancellationToken);
                    return response.Hits.Select(h => new RankedResult(h.Image.Key.Path, h.Score)).ToList();
                }
                catch (QueryException)
                {
                    return [];
                }
            }, sets);
        }

        return 0;
    }

    private static async Task Row(string name, Func<BenchmarkQuery, Task<IReadOnlyList<RankedResult>>> rank, IReadOnlyList<BenchmarkDataset> sets)
    {
        var cells = new List<string>();
        foreach (var set in sets)
        {
            var evaluator = new RetrievalEvaluator(set);
            var evaluations = new List<QueryEvaluation>();
            var clock = Stopwatch.StartNew();
            foreach (var query in set.Queries)
            {
                evaluations.Add(evaluator.Evaluate(query, await rank(query)));
            }

            var map = RetrievalMetrics.Summarize(evaluations).MeanAveragePrecision;
            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{100 * map:0.00} | {clock.Elapsed.TotalMilliseconds / set.Queries.Count:0.0}"));
        }

        Console.WriteLine($"| {name} | {string.Join(" | ", cells)} |");
    }

    private static Task<IReadOnlyList<RankedResult>> Exact(Dictionary<string, List<string>> readings, BenchmarkQuery query)
    {
        var needle = query.Text.ToLowerInvariant();
        IReadOnlyList<RankedResult> result = readings
            .Where(r => r.Value.Any(line => Words(line).Contains(needle) || (needle.Contains(' ', StringComparison.Ordinal) && Joined(line).Contains(needle, StringComparison.Ordinal))))
            .Select(r => new RankedResult(r.Key, 1.0))
            .OrderBy(r => r.Image, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(result);
    }

    private static Task<IReadOnlyList<RankedResult>> Fuzzy(Dictionary<string, List<string>> readings, BenchmarkQuery query)
    {
        var needle = query.Text.ToLowerInvariant();
        IReadOnlyList<RankedResult> result = readings
            .Select(r => (r.Key, Score: r.Value.Max(line => BestSimilarity(line, needle))))
            .Where(x => x.Score >= 0.5)
            .OrderByDescending(x => x.Score).ThenBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => new RankedResult(x.Key, x.Score))
            .ToList();
        return Task.FromResult(result);
    }

    /// <summary>1 - edit distance / length against the line's words (or word n-grams for a phrase).</summary>
    private static double BestSimilarity(string line, string needle)
    {
        var words = Words(line);
        var n = needle.Count(c => c == ' ') + 1;
        var best = 0.0;
        for (var i = 0; i + n <= words.Count; i++)
        {
            var candidate = string.Join(' ', words.Skip(i).Take(n));
            best = Math.Max(best, 1.0 - ((double)Distance(candidate, needle) / Math.Max(candidate.Length, needle.Length)));
        }

        return best;
    }

    private static List<string> Words(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('.', ',', '!', '?', ':', ';', '"', '\'', '(', ')', '#', '$', '&')).Where(w => w.Length > 0).ToList();

    private static string Joined(string line) => string.Join(' ', Words(line));

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static string? Value(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }
}
