using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Retrieval.Models.Geometry;

namespace Retrieval.Search.Evaluation.Reports;

/// <summary>The files one report consists of; <paramref name="WorstThumbnails"/> are the strips under <c>worst/</c>.</summary>
public sealed record ReportFiles(string Json, string Markdown, string PrecisionRecallChart, string AveragePrecisionHistogram, IReadOnlyList<ThumbnailStrip> WorstThumbnails);

/// <summary>
/// Writes a benchmark report into a folder (<c>--report DIR</c>): <c>report.json</c> (everything),
/// <c>report.md</c> (summary and worst queries), <c>precision_recall.svg</c>,
/// <c>ap_histogram.svg</c>, and <c>worst/NN-query.jpg</c>: per worst query a strip of its top
/// results with the matched boxes drawn (<see cref="WorstQueryThumbnails"/>), linked from report.md.
/// Existing files of those names are replaced.
/// </summary>
public static class ReportWriter
{
    public const string JsonFileName = "report.json";
    public const string MarkdownFileName = "report.md";
    public const string PrecisionRecallFileName = "precision_recall.svg";
    public const string HistogramFileName = "ap_histogram.svg";

    /// <summary>The serializer settings of <c>report.json</c>: camelCase, enums as strings, points as [x, y].</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

    /// <param name="thumbnails">How the worst queries' results are pictured; <see cref="ThumbnailStripOptions.Default"/> when null.</param>
    public static async Task<ReportFiles> WriteAsync(EvaluationReport report, string directory, CancellationToken cancellationToken, int worstQueries = 20, ThumbnailStripOptions? thumbnails = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentOutOfRangeException.ThrowIfNegative(worstQueries);
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new ArgumentException("--report needs a folder.", nameof(directory));
        }

        var full = Path.GetFullPath(directory);
        Directory.CreateDirectory(full);
        var worst = report.WorstQueries(worstQueries);
        var strips = WorstQueryThumbnails.Write(worst, full, thumbnails ?? ThumbnailStripOptions.Default, cancellationToken);
        var files = new ReportFiles(
            Path.Combine(full, JsonFileName),
            Path.Combine(full, MarkdownFileName),
            Path.Combine(full, PrecisionRecallFileName),
            Path.Combine(full, HistogramFileName),
            strips);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        await using (var json = File.Create(files.Json))
        {
            await JsonSerializer.SerializeAsync(json, report, JsonOptions, cancellationToken);
        }

        await File.WriteAllTextAsync(files.Markdown, MarkdownReport.Render(report, worstQueries, PrecisionRecallFileName, HistogramFileName, strips), utf8, cancellationToken);
        await File.WriteAllTextAsync(files.PrecisionRecallChart, SvgCharts.PrecisionRecall(report.Summary), utf8, cancellationToken);
        await File.WriteAllTextAsync(files.AveragePrecisionHistogram, SvgCharts.AveragePrecisionHistogram(report.Queries), utf8, cancellationToken);
        return files;
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new PointConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Points as compact [x, y] pairs rather than objects with derived properties.</summary>
    private sealed class PointConverter : JsonConverter<PointF>
    {
        public override PointF Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var pair = JsonSerializer.Deserialize<float[]>(ref reader, options);
            return pair is { Length: 2 } ? new PointF(pair[0], pair[1]) : throw new JsonException("A point is an [x, y] pair.");
        }

        public override void Write(Utf8JsonWriter writer, PointF value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(value.X);
            writer.WriteNumberValue(value.Y);
            writer.WriteEndArray();
        }
    }
}
