using System.Globalization;
using System.Text.Json.Serialization;
using Retrieval.Search;
using Retrieval.Search.Scoring;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Output;

/// <summary>
/// The JSON contract of <c>retrieval search --json</c> (one object; with --queries one per line).
/// Other tools depend on this shape (docs/CLI.md): add fields, never rename or remove them.
/// Results are best first; quads are clockwise from top-left in the indexed image's pixels.
/// A video appears once, at the rank of its best frame (<see cref="SearchResultJson.Video"/>); its
/// other matching frames of the same page follow in <see cref="SearchResultJson.Moments"/>, best first.
/// <see cref="Fusion"/> and each result's <see cref="SearchResultJson.Channels"/> appear only when the ranking fused
/// the CLIP channel in; a text-only ranking writes exactly the fields it wrote before CLIP existed.
/// </summary>
public sealed record SearchJson(
    string Query,
    IReadOnlyList<SearchResultJson> Results,
    string? Error = null,
    int TotalMatches = 0,
    double Milliseconds = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Fusion = null);

public sealed record SearchResultJson(
    long Id,
    string Path,
    double Score,
    IReadOnlyList<SearchMatchJson> Matches,
    SearchVideoJson? Video,
    int Width,
    int Height,
    IReadOnlyList<SearchMomentJson>? Moments = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SearchChannelsJson? Channels = null);

/// <summary>
/// What each channel scored for a fused result: <see cref="By"/> lists the channels that made it a result ("text",
/// "clip"); text is the lattice score, clip the calibrated CLIP score, clipSimilarity the raw cosine, ranks are within
/// each channel, clipRegion the text region whose embedding matched best (null: the whole image). Nulls: not scored there.
/// </summary>
public sealed record SearchChannelsJson(IReadOnlyList<string> By, double? Text, int? TextRank, double? Clip, double? ClipSimilarity, int? ClipRank, float[][]? ClipRegion);

public sealed record SearchMatchJson(string Text, float[][] Quad, double Score, string Query);

public sealed record SearchVideoJson(string Path, double Seconds, double? StartSeconds, double? EndSeconds);

/// <summary>Another matching frame of the same video: its id, time, stretch, score and matched boxes.</summary>
public sealed record SearchMomentJson(long Id, double Seconds, double? StartSeconds, double? EndSeconds, double Score, IReadOnlyList<SearchMatchJson> Matches);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SearchJson))]
internal sealed partial class SearchJsonContext : JsonSerializerContext;

internal static class SearchOutput
{
    public static SearchJson ToJson(string query, SearchResponse response) => new(
        query,
        VideoGrouping.Group(response.Hits).Select(g => Hit(g.Best) with { Moments = g.Best.Image.Key.FrameTime is null ? null : g.Others.Select(Moment).ToList() }).ToList(),
        null,
        response.TotalMatches,
        Math.Round(response.Elapsed.TotalMilliseconds, 2),
        response.Fusion == FusionMethod.Off ? null : response.Fusion.ToString().ToLowerInvariant());

    /// <summary>The JSON of a result's channel scores, or null for a text-only ranking.</summary>
    public static SearchChannelsJson? Channels(ChannelScores? channels) => channels is null ? null : new SearchChannelsJson(
        [.. new[] { channels.ByText ? "text" : null, channels.ByClip ? "clip" : null }.OfType<string>()],
        Round(channels.Text),
        channels.TextRank,
        Round(channels.Clip),
        Round(channels.ClipSimilarity),
        channels.ClipRank,
        channels.ClipRegion is { } region ? ReadJson.Quad(region) : null);

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;

    public static SearchResultJson Hit(SearchHit hit)
    {
        var image = hit.Image;
        var video = image.Key.FrameTime is { } t
            ? new SearchVideoJson(image.Key.Path, Seconds(t), Seconds(image.FrameSpan?.Start), Seconds(image.FrameSpan?.End))
            : null;
        return new SearchResultJson(image.Id, image.Key.Path, Math.Round(hit.Score, 4), Matches(hit), video, image.Width, image.Height, Channels: Channels(hit.Channels));
    }

    public static void WriteText(TextWriter writer, string query, SearchResponse response)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(query.StartsWith('"') ? query : $"\"{query}\"")}: {response.TotalMatches} images ({response.Elapsed.TotalMilliseconds:0.0} ms)"));
        var rank = 0;
        foreach (var (hit, others) in VideoGrouping.Group(response.Hits))
        {
            rank++;
            var where = hit.Image.Key.FrameTime is { } t ? " @ " + Moment(t, hit.Image.FrameSpan) : string.Empty;
            var channels = hit.Channels is { } c
                ? string.Create(CultureInfo.InvariantCulture, $"  [text {c.Text ?? 0:0.000}, clip {c.Clip ?? 0:0.000} (cos {c.ClipSimilarity ?? 0:0.000})]")
                : string.Empty;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rank,3}. {hit.Score:0.000}  {hit.Image.Key.Path}{where}{channels}"));
            foreach (var m in hit.Matches.Take(3))
            {
                var q = m.Box;
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"       \"{m.Text}\" {m.Score:0.00} at ({q.MinX:0},{q.MinY:0})-({q.MaxX:0},{q.MaxY:0})"));
            }

            if (others.Count > 0)
            {
                var moments = others.Take(10).Select(o => string.Create(CultureInfo.InvariantCulture, $"{Moment(o.Image.Key.FrameTime!.Value, o.Image.FrameSpan)} ({o.Score:0.000})"));
                var more = others.Count > 10 ? $", and {others.Count - 10} more" : string.Empty;
                writer.WriteLine($"       also at {string.Join(", ", moments)}{more}");
            }
        }
    }

    public static ImageKey? Key(SearchHit hit) => hit.Image.Key;

    private static SearchMomentJson Moment(SearchHit hit)
    {
        var image = hit.Image;
        return new SearchMomentJson(image.Id, Seconds(image.Key.FrameTime!.Value), Seconds(image.FrameSpan?.Start), Seconds(image.FrameSpan?.End), Math.Round(hit.Score, 4), Matches(hit));
    }

    private static List<SearchMatchJson> Matches(SearchHit hit) =>
        hit.Matches.Select(m => new SearchMatchJson(m.Text, ReadJson.Quad(m.Box), Math.Round(m.Score, 4), m.QueryText)).ToList();

    /// <summary>"00:01:20.0" for a frame standing only for itself, "00:01:20.0-00:01:26.0" for a stretch.</summary>
    private static string Moment(TimeSpan time, FrameSpan? span) =>
        span is { } s && s.End > s.Start
            ? string.Create(CultureInfo.InvariantCulture, $"{s.Start:hh\\:mm\\:ss\\.f}-{s.End:hh\\:mm\\:ss\\.f}")
            : string.Create(CultureInfo.InvariantCulture, $"{time:hh\\:mm\\:ss\\.f}");

    private static double Seconds(TimeSpan time) => Math.Round(time.TotalSeconds, 3);

    private static double? Seconds(TimeSpan? time) => time is { } t ? Seconds(t) : null;
}

/// <summary>
/// Groups a page of hits by video: a video takes the rank of its best frame, and its other frames
/// on the page become its other moments (best first). Images stay as they are. The searcher ranks
/// frames as images; grouping is presentation, so it never changes which frame ranks first.
/// </summary>
internal static class VideoGrouping
{
    public static IReadOnlyList<(SearchHit Best, IReadOnlyList<SearchHit> Others)> Group(IReadOnlyList<SearchHit> hits)
    {
        var groups = new List<(SearchHit Best, List<SearchHit> Others)>();
        var byVideo = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var hit in hits)
        {
            if (hit.Image.Key.FrameTime is null)
            {
                groups.Add((hit, []));
                continue;
            }

            if (byVideo.TryGetValue(hit.Image.Key.Path, out var index))
            {
                groups[index].Others.Add(hit);
                continue;
            }

            byVideo[hit.Image.Key.Path] = groups.Count;
            groups.Add((hit, []));
        }

        return groups.Select(g => (g.Best, (IReadOnlyList<SearchHit>)g.Others)).ToList();
    }
}
