using System.Globalization;

namespace Retrieval.Bench.Query;

/// <summary>
/// "--name value" pairs and bare "--flag"s of one bench command. Every option must be taken;
/// <see cref="ThrowIfUnused"/> reports the rest, so a misspelt option is an error, not a silent default.
/// </summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);
    private readonly string usage;

    public BenchArguments(IReadOnlyList<string> args, string usage)
    {
        this.usage = usage;
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option, got '{args[i]}'. Usage: {usage}");
            }

            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[args[i][2..]] = hasValue ? args[++i] : null;
        }
    }

    public string? String(string name) => values.Remove(name, out var value) ? value ?? throw Missing(name) : null;

    public string Required(string name) => String(name) ?? throw new ArgumentException($"--{name} is required. Usage: {usage}");

    public bool Flag(string name) => values.Remove(name, out var value) && (value is null ? true : throw new ArgumentException($"--{name} takes no value (got '{value}')."));

    public int Int(string name, int fallback, int min = 0) =>
        String(name) is { } text ? Parse(name, text, min) : fallback;

    public IReadOnlyList<int> Ints(string name, IReadOnlyList<int> fallback, int min = 1) =>
        String(name) is { } text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Parse(name, v, min)).ToList()
            : fallback;

    public void ThrowIfUnused()
    {
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}. Usage: {usage}");
        }
    }

    /// <summary>The ICDAR2015 dev ground truth: --gt, else RETRIEVAL_DEV_DATA/gt, else ../shared/data/ic15-train/gt from the current directory.</summary>
    public string GroundTruth()
    {
        var gt = String("gt");
        if (gt is null)
        {
            var root = Environment.GetEnvironmentVariable("RETRIEVAL_DEV_DATA");
            gt = string.IsNullOrWhiteSpace(root) ? Path.GetFullPath(Path.Combine("..", "shared", "data", "ic15-train", "gt")) : Path.Combine(root, "gt");
        }

        return Directory.Exists(gt) ? gt : throw new ArgumentException($"No ground-truth folder at {gt}: pass --gt DIR (the ICDAR2015 gt_img_N.txt files) or set RETRIEVAL_DEV_DATA.");
    }

    private static int Parse(string name, string text, int min) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new ArgumentException($"--{name} takes an integer of at least {min}, not '{text}'.");

    private ArgumentException Missing(string name) => new($"--{name} needs a value. Usage: {usage}");
}
