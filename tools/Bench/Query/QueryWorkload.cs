using System.Text;
using Retrieval.Search.Evaluation;
using Retrieval.Search.Evaluation.Datasets;

namespace Retrieval.Bench.Query;

/// <summary>The kinds of query the latency bench sends, reported separately.</summary>
internal enum QueryGroup
{
    /// <summary>The ICDAR2015 top-100 words (the retrieval benchmark's queries).</summary>
    Dev,

    /// <summary>Other ground-truth words of the dev set: mostly rare, found in one or two images.</summary>
    GroundTruth,

    /// <summary>Ground-truth words with one character substituted, deleted or inserted.</summary>
    Misspelled,

    /// <summary>Random letter strings that are no ground-truth word or part of one.</summary>
    Absent,

    /// <summary>Queries read from a file (<c>--queries</c>), sent as written.</summary>
    Listed,
}

/// <summary>One query of the workload and the group it is reported in.</summary>
internal sealed record WorkloadQuery(string Text, QueryGroup Group);

/// <summary>
/// The queries of the latency bench, all derived from the ICDAR2015 dev ground truth with a fixed
/// seed, so two runs (before and after a change, or at two index sizes) send the same queries:
/// the 100 dev queries, then <c>others</c> more split 40/30/30 over ground-truth words,
/// misspellings and absent words.
/// </summary>
internal static class QueryWorkload
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";

    public static IReadOnlyList<WorkloadQuery> Build(string groundTruthDirectory, int others, int seed, CancellationToken cancellationToken)
    {
        var annotations = IcdarGroundTruth.ReadDirectory(groundTruthDirectory, cancellationToken);
        var options = new Icdar2015Options(groundTruthDirectory, groundTruthDirectory) { QuerySet = WordQuerySet.TopWords };
        var dev = Icdar2015Benchmark.DeriveQueries(annotations, options).Select(q => q.Text).ToList();
        var vocabulary = WordQueryDerivation.Derive(annotations, WordQueryRule.Mstar(null)).Select(q => q.Text).ToList();
        var known = vocabulary.ToHashSet(StringComparer.Ordinal);
        var rest = vocabulary.Except(dev, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        var random = new Random(seed);
        var groundTruthCount = others * 4 / 10;
        var misspelledCount = others * 3 / 10;
        var absentCount = others - groundTruthCount - misspelledCount;
        var queries = dev.Select(t => new WorkloadQuery(t, QueryGroup.Dev)).ToList();
        queries.AddRange(Sample(rest, groundTruthCount, random).Select(t => new WorkloadQuery(t, QueryGroup.GroundTruth)));

        var misspellable = vocabulary.Where(w => w.Length >= 4 && !w.Contains(' ', StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var misspelled = new HashSet<string>(StringComparer.Ordinal);
        while (misspelled.Count < misspelledCount)
        {
            var edited = Misspell(misspellable[random.Next(misspellable.Count)], random);
            if (!known.Contains(edited) && misspelled.Add(edited))
            {
                queries.Add(new WorkloadQuery(edited, QueryGroup.Misspelled));
            }
        }

        var absent = new HashSet<string>(StringComparer.Ordinal);
        while (absent.Count < absentCount)
        {
            var word = RandomWord(random, random.Next(5, 10));
            if (!vocabulary.Any(v => v.Contains(word, StringComparison.Ordinal)) && absent.Add(word))
            {
                queries.Add(new WorkloadQuery(word, QueryGroup.Absent));
            }
        }

        return queries;
    }

    /// <summary>One query per non-empty line of <paramref name="path"/>, in file order, as written (quotes make phrases).</summary>
    public static IReadOnlyList<WorkloadQuery> FromFile(string path) =>
        File.Exists(path)
            ? File.ReadAllLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => new WorkloadQuery(l, QueryGroup.Listed)).ToList()
            : throw new ArgumentException($"No query file at {path}: give --queries a text file with one query per line.");

    /// <summary>
    /// How a query is typed: a benchmark word holding a space is searched as a phrase, as the
    /// evaluator does; a listed query as written.
    /// </summary>
    public static string QueryText(WorkloadQuery query) =>
        query.Group != QueryGroup.Listed && query.Text.Contains(' ', StringComparison.Ordinal) ? $"\"{query.Text}\"" : query.Text;

    /// <summary>The queries whose rankings and candidate recall are reported: the dev queries, or the listed ones.</summary>
    public static bool IsRanked(WorkloadQuery query) => query.Group is QueryGroup.Dev or QueryGroup.Listed;

    private static List<string> Sample(List<string> words, int count, Random random)
    {
        var pool = words.ToArray();
        random.Shuffle(pool);
        return pool.Take(count).ToList();
    }

    private static string Misspell(string word, Random random)
    {
        var builder = new StringBuilder(word);
        var position = random.Next(word.Length);
        switch (random.Next(3))
        {
            case 0:
                var replacement = Letters[random.Next(Letters.Length)];
                builder[position] = replacement == word[position] ? Letters[(Letters.IndexOf(replacement, StringComparison.Ordinal) + 1) % Letters.Length] : replacement;
                break;
            case 1:
                builder.Remove(position, 1);
                break;
            default:
                builder.Insert(random.Next(word.Length + 1), Letters[random.Next(Letters.Length)]);
                break;
        }

        return builder.ToString();
    }

    private static string RandomWord(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Letters[random.Next(Letters.Length)];
        }

        return new string(chars);
    }
}
