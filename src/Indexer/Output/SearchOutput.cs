using System.Globalization;
using System.Text.Json.Serialization;
using Retrieval.Search;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Output;

/// <summary>
/// The JSON contract of <c>retrieval search --json</c> (one object; with --queries one per line).
/// Other tools depend on this shape (docs/CLI.md): add fields, never rename or remove them.
/// Results are best first; quads are clockwise from top-left in the indexed image's pixels.
/// </summary>
public sealed record SearchJson(string Query, IReadOnlyList<SearchResultJson> Results, string? Error = null, int TotalMatches = 0, double Milliseconds = 0);

public sealed record SearchResultJson(long Id, string Path, double Score, IReadOnlyList<SearchMatchJson> Matches, SearchVideoJson? Video, int Width, int Height);

public sealed record SearchMatchJson(string Text, float[][] Quad, double Score, string Query);

public sealed record SearchVideoJson(string Path, double Seconds, double? StartSeconds, double? EndSeconds);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SearchJson))]
internal sealed partial class SearchJsonContext : JsonSerializerContext;

internal static class SearchOutput
{
    public static SearchJson ToJson(string query, SearchResponse response) => new(
        query,
        response.Hits.Select(Hit).ToList(),
        null,
        response.TotalMatches,
        Math.Round(response.Elapsed.TotalMilliseconds, 2));

    public static SearchResultJson Hit(SearchHit hit)
    {
        var image = hit.Image;
        var video = image.Key.FrameTime is { } t
            ? new SearchVideoJson(image.Key.Path, Math.Round(t.TotalSeconds, 3), image.FrameSpan?.Start.TotalSeconds, image.FrameSpan?.End.TotalSeconds)
            : null;
        return new SearchResultJson(
            image.Id,
            image.Key.Path,
            Math.Round(hit.Score, 4),
            hit.Matches.Select(m => new SearchMatchJson(m.Text, ReadJson.Quad(m.Box), Math.Round(m.Score, 4), m.QueryText)).ToList(),
            video,
            image.Width,
            image.Height);
    }

    public static void WriteText(TextWriter writer, string query, SearchResponse response)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(query.StartsWith('"') ? query : $"\"{query}\"")}: {response.TotalMatches} images ({response.Elapsed.TotalMilliseconds:0.0} ms)"));
        var rank = 0;
        foreach (var hit in response.Hits)
        {
            rank++;
            var where = hit.Image.Key.FrameTime is { } t ? string.Create(CultureInfo.InvariantCulture, $" @ {t:hh\\:mm\\:ss\\.f}") : string.Empty;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rank,3}. {hit.Score:0.000}  {hit.Image.Key.Path}{where}"));
            foreach (var m in hit.Matches.Take(3))
            {
                var q = m.Box;
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"       \"{m.Text}\" {m.Score:0.00} at ({q.MinX:0},{q.MinY:0})-({q.MaxX:0},{q.MaxY:0})"));
            }
        }
    }

    public static ImageKey? Key(SearchHit hit) => hit.Image.Key;
}
