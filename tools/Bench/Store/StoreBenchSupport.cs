using System.Globalization;
using System.Text;
using Npgsql;
using Retrieval.Models.Geometry;
using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;

namespace Retrieval.Bench.Store;

/// <summary>"--name value" arguments of the store benches.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public BenchArgs(IReadOnlyList<string> args, string usage)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--name value' pairs, got '{args[i]}'. Usage: {usage}");
            }

            values[args[i][2..]] = args[++i];
        }
    }

    public string Text(string name, string fallback) => values.TryGetValue(name, out var v) ? v : fallback;

    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public IReadOnlyList<int> Ints(string name, string fallback) =>
        Text(name, fallback).Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
}

/// <summary>Throwaway databases on a PostgreSQL server, one per measurement.</summary>
internal sealed class BenchDatabases(string serverConnectionString, bool keep = false) : IAsyncDisposable
{
    private readonly List<string> created = [];

    public async Task<string> CreateAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}";
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        created.Add(name);
        return new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (keep)
        {
            Console.WriteLine($"Kept databases: {string.Join(", ", created)}");
            return;
        }

        foreach (var name in created)
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Images of synthetic lines (<see cref="SyntheticText"/>) and query terms drawn from them, seeded.</summary>
internal static class SyntheticDocuments
{
    private const string Alphabet = SyntheticText.Latin + SyntheticText.Cjk;

    public static ImageDocument Image(string path, Random random, int lines)
    {
        var documents = new LineDocument[lines];
        for (var l = 0; l < lines; l++)
        {
            var (text, lattice) = SyntheticText.Line(random);
            var quad = Box(10, 30 * l, 10 * text.Length, 20);
            var words = new List<WordDocument>();
            var start = 0;
            foreach (var part in text.Split(' '))
            {
                if (part.Length > 0)
                {
                    words.Add(new WordDocument(quad.Slice(start / (float)text.Length, (start + part.Length) / (float)text.Length), part, 0.9f));
                }

                start += part.Length + 1;
            }

            documents[l] = new LineDocument(quad, text, 0.9f, lattice, words);
        }

        return new ImageDocument
        {
            Key = ImageKey.ForFile(path),
            Root = "/bench",
            Size = 100_000 + path.Length,
            Modified = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Width = 1280,
            Height = 720,
            Lines = documents,
        };
    }

    /// <summary>Query terms shaped like real ones: substrings of stored lines (3 to 10 characters), one in three with a character misread, one in six of 1 or 2 characters.</summary>
    public static List<string> Terms(IReadOnlyList<string> texts, int count, Random random)
    {
        var terms = new List<string>(count);
        while (terms.Count < count)
        {
            var text = texts[random.Next(texts.Count)];
            var length = Math.Min(text.Length, random.Next(6) == 0 ? random.Next(1, 3) : random.Next(3, 11));
            var term = text.Substring(random.Next(text.Length - length + 1), length).Trim();
            if (term.Length == 0)
            {
                continue;
            }

            if (term.Length >= 3 && random.Next(3) == 0)
            {
                var misread = new StringBuilder(term);
                misread[random.Next(misread.Length)] = Alphabet[random.Next(Alphabet.Length)];
                term = misread.ToString();
            }

            terms.Add(term);
        }

        return terms;
    }

    public static Quad Box(float x, float y, float w, float h) =>
        new(new PointF(x, y), new PointF(x + w, y), new PointF(x + w, y + h), new PointF(x, y + h));
}

/// <summary>Latency percentiles of a list of timings.</summary>
internal static class Percentiles
{
    public static string Describe(IReadOnlyList<TimeSpan> timings)
    {
        var sorted = timings.Select(t => t.TotalMilliseconds).Order().ToArray();
        double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.50):0.00} ms, p95 {At(0.95):0.00} ms, mean {sorted.Average():0.00} ms (n={sorted.Length})");
    }
}

/// <summary>What else the machine is doing while a bench runs.</summary>
internal static class Machine
{
    /// <summary>The 1, 5 and 15 minute load averages ("0.52 1.10 2.03"), or n/a off Linux.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
