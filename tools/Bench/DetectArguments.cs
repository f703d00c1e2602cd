using System.Globalization;
using Retrieval.Models.Text.Detection;

namespace Retrieval.Bench;

/// <summary>
/// Arguments of the <c>detect</c> bench. Model-side settings (size, limit type, tiling) take one
/// value; post-processing settings take comma-separated lists, and every combination is scored on
/// the same probability maps, so a threshold sweep costs one model run per image.
/// </summary>
internal sealed record DetectArguments(
    string DataDirectory,
    int Every,
    int Limit,
    int Threads,
    DetectorOptions Model,
    IReadOnlyList<float> Thresholds,
    IReadOnlyList<float> BoxThresholds,
    IReadOnlyList<float> UnclipRatios,
    IReadOnlyList<bool> Dilations,
    IReadOnlyList<BoxScoreMode> ScoreModes)
{
    public const string Usage =
        "detect --data DIR [--every K] [--limit N] [--threads T] [--preset paddle|default] [--side 960] [--limit-type max|min|long] " +
        "[--max-side 4000] [--tile 0] [--tile-overlap 96] [--thresh 0.3[,0.2..]] [--box-thresh 0.6[,..]] [--unclip 1.5[,..]] " +
        "[--dilate off[,on]] [--score fast[,polygon]]   (DIR holds images/img_N.jpg and gt/gt_img_N.txt; default $RETRIEVAL_DEV_DATA)";

    /// <summary>Every combination of the post-processing lists, applied to the model settings.</summary>
    public IEnumerable<DetectorOptions> PostProcessingVariants() =>
        from t in Thresholds
        from b in BoxThresholds
        from u in UnclipRatios
        from d in Dilations
        from s in ScoreModes
        select Model with { BinarizationThreshold = t, BoxThreshold = b, UnclipRatio = u, UseDilation = d, ScoreMode = s };

    public static DetectArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--name value' pairs, got '{args[i]}'. Usage: {Usage}");
            }

            values[args[i][2..]] = args[++i];
        }

        string Take(string name, string fallback) => values.Remove(name, out var v) ? v : fallback;
        var preset = Take("preset", "default") switch
        {
            "paddle" => DetectorOptions.PaddleOcr,
            "default" => new DetectorOptions(),
            var other => throw new ArgumentException($"--preset must be paddle or default, not '{other}'."),
        };
        var data = Take("data", Environment.GetEnvironmentVariable("RETRIEVAL_DEV_DATA") ?? string.Empty);
        if (data.Length == 0)
        {
            throw new ArgumentException($"Give the data folder with --data or RETRIEVAL_DEV_DATA. Usage: {Usage}");
        }

        var model = preset with
        {
            LimitSideLength = Int(Take("side", preset.LimitSideLength.ToString(CultureInfo.InvariantCulture))),
            LimitType = Take("limit-type", preset.LimitType.ToString()).ToUpperInvariant() switch
            {
                "MAX" => DetectionLimitType.Max,
                "MIN" => DetectionLimitType.Min,
                "RESIZELONG" or "RESIZE-LONG" or "LONG" => DetectionLimitType.ResizeLong,
                var other => throw new ArgumentException($"--limit-type must be max, min or long, not '{other}'."),
            },
            MaxSideLimit = Int(Take("max-side", preset.MaxSideLimit.ToString(CultureInfo.InvariantCulture))),
            TileSize = Int(Take("tile", preset.TileSize.ToString(CultureInfo.InvariantCulture))),
            TileOverlap = Int(Take("tile-overlap", preset.TileOverlap.ToString(CultureInfo.InvariantCulture))),
        };
        var parsed = new DetectArguments(
            data,
            Int(Take("every", "1")),
            Int(Take("limit", "0")),
            Int(Take("threads", "0")),
            model,
            Floats(Take("thresh", Format(preset.BinarizationThreshold))),
            Floats(Take("box-thresh", Format(preset.BoxThreshold))),
            Floats(Take("unclip", Format(preset.UnclipRatio))),
            List(Take("dilate", preset.UseDilation ? "on" : "off"), v => v switch
            {
                "on" => true,
                "off" => false,
                _ => throw new ArgumentException($"--dilate takes on/off, not '{v}'."),
            }),
            List(Take("score", preset.ScoreMode.ToString().ToLowerInvariant()), v => v switch
            {
                "fast" => BoxScoreMode.Fast,
                "polygon" => BoxScoreMode.Polygon,
                _ => throw new ArgumentException($"--score takes fast/polygon, not '{v}'."),
            }));
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}. Usage: {Usage}");
        }

        if (parsed.Every < 1 || parsed.Limit < 0 || parsed.Threads < 0)
        {
            throw new ArgumentException("--every must be at least 1, --limit and --threads at least 0.");
        }

        foreach (var variant in parsed.PostProcessingVariants())
        {
            variant.Validate();
        }

        return parsed;
    }

    private static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);

    private static int Int(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"'{value}' is not an integer.");

    private static List<float> Floats(string value) =>
        List(value, v => float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : throw new ArgumentException($"'{v}' is not a number."));

    private static List<T> List<T>(string value, Func<string, T> parse) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToList();
}
