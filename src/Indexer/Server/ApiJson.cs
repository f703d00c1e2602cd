using System.Text.Json;
using System.Text.Json.Serialization;
using Retrieval.Indexer.Output;

namespace Retrieval.Indexer.Server;

// The JSON contract of the HTTP API (described in /openapi.json and docs/API.md). Fields may be
// added, never renamed or removed. Quads are four [x, y] corners clockwise from the top-left, in the
// pixels of the image as indexed (EXIF orientation applied unless the index was built with
// --keep-orientation); paths are relative to the folder the image was indexed under, with '/'.

/// <summary>A page of search results, best first. <see cref="Fusion"/> is set only when the CLIP channel was fused in.</summary>
public sealed record SearchPageJson(
    string Query,
    int TotalMatches,
    int Offset,
    int Top,
    double Milliseconds,
    IReadOnlyList<SearchItemJson> Results,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Fusion = null);

/// <summary>One result; <see cref="Channels"/> only when the ranking fused the CLIP channel in.</summary>
public sealed record SearchItemJson(
    long Id,
    string Path,
    string Root,
    double Score,
    int Width,
    int Height,
    IReadOnlyList<MatchJson> Matches,
    VideoFrameJson? Video,
    string Image,
    string Thumbnail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SearchChannelsJson? Channels = null);

/// <summary>A matched word: its reading, where it is, its score and the query word or phrase it answers.</summary>
public sealed record MatchJson(string Text, float[][] Quad, double Score, string Query);

/// <summary>
/// Where a video frame comes from: the video's path (relative), the frame's time, and
/// <see cref="Url"/>, where the video itself is served with range requests (play it from the frame
/// with <c>Url#t=Seconds</c> or by setting currentTime).
/// </summary>
public sealed record VideoFrameJson(string Path, double Seconds, double? StartSeconds, double? EndSeconds, string Url);

/// <summary>Everything read in one image, in reading order.</summary>
public sealed record ImageTextJson(long Id, string Path, string Root, int Width, int Height, VideoFrameJson? Video, string Status, string? Error, IReadOnlyList<LineJson> Lines);

public sealed record LineJson(string Text, float Confidence, float[][] Quad, IReadOnlyList<WordJson> Words);

public sealed record WordJson(string Text, float Confidence, float[][] Quad);

/// <summary>The index and what the indexer is doing.</summary>
public sealed record StatusJson(IndexCountsJson Index, IndexerJson Indexer, IReadOnlyList<FailureJson> Failures);

public sealed record IndexCountsJson(long Images, long Lines, long Words, long Failed, long Incomplete);

/// <summary>
/// The indexer's live counters. <see cref="QueueLength"/> counts files found but not yet written plus
/// folders waiting for their run; the other counts describe the current run, or the last one when
/// the indexer is idle. <see cref="Frames"/> counts video frames written.
/// </summary>
public sealed record IndexerJson(
    bool Enabled,
    bool Running,
    string? Current,
    long QueueLength,
    int PendingFolders,
    long Discovered,
    long Indexed,
    long Skipped,
    long Failed,
    long Pruned,
    long Frames,
    double ImagesPerSecond,
    IReadOnlyList<string> Watching);

public sealed record FailureJson(long Id, string Path, string Root, string? Error);

/// <summary>The body of POST /api/index.</summary>
public sealed record IndexRequestJson(string? Path);

/// <summary>The answer to POST /api/index: the folder as queued and how many runs are ahead of it.</summary>
public sealed record IndexAcceptedJson(string Path, int Position);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SearchPageJson))]
[JsonSerializable(typeof(ImageTextJson))]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(IndexRequestJson))]
[JsonSerializable(typeof(IndexAcceptedJson))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
