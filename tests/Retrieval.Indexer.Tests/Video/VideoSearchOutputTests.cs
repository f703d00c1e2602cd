using System.Text.Json;
using Retrieval.Indexer.Output;
using Retrieval.Models.Geometry;
using Retrieval.Models.Text;
using Retrieval.Search;
using Retrieval.Search.Query;
using Retrieval.Search.Scoring;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Tests.Video;

public sealed class VideoSearchOutputTests
{
    private static readonly Quad Box = new(new PointF(10, 20), new PointF(90, 20), new PointF(90, 50), new PointF(10, 50));

    [Fact]
    public void A_video_takes_the_rank_of_its_best_frame_and_lists_its_other_moments()
    {
        var response = Response(
            Frame(1, "/v/talk.mp4", 20, 28, 0.9),
            Image(2, "/p/sign.jpg", 0.8),
            Frame(3, "/v/talk.mp4", 45, 45, 0.7),
            Frame(4, "/v/other.mkv", 3, 5, 0.6),
            Frame(5, "/v/talk.mp4", 70, 74.5, 0.5));

        var json = SearchOutput.ToJson("exit", response);

        json.Results.Select(r => r.Id).Should().Equal(1, 2, 4);
        json.Results[0].Video.Should().Be(new SearchVideoJson("/v/talk.mp4", 20, 20, 28));
        json.Results[0].Moments!.Select(m => (m.Id, m.Seconds, m.EndSeconds, m.Score)).Should().Equal((3L, 45.0, (double?)45.0, 0.7), (5L, 70.0, (double?)74.5, 0.5));
        json.Results[0].Moments![0].Matches.Should().ContainSingle().Which.Text.Should().Be("EXIT");
        json.Results[1].Moments.Should().BeNull();
        json.Results[2].Moments.Should().BeEmpty();
    }

    [Fact]
    public void The_json_keeps_its_shape_and_adds_moments()
    {
        var json = JsonSerializer.Serialize(SearchOutput.ToJson("exit", Response(Frame(1, "/v/talk.mp4", 20, 28, 0.9), Frame(3, "/v/talk.mp4", 45, 45, 0.7))), SearchJsonContext.Default.SearchJson);

        using var document = JsonDocument.Parse(json);
        var result = document.RootElement.GetProperty("results")[0];
        result.EnumerateObject().Select(p => p.Name).Should().Equal("id", "path", "score", "matches", "video", "width", "height", "moments");
        result.GetProperty("video").EnumerateObject().Select(p => p.Name).Should().Equal("path", "seconds", "startSeconds", "endSeconds");
        result.GetProperty("moments")[0].GetProperty("seconds").GetDouble().Should().Be(45);
    }

    [Fact]
    public void The_text_output_shows_each_video_once_with_its_other_moments()
    {
        var text = new StringWriter();

        SearchOutput.WriteText(text, "exit", Response(Frame(1, "/v/talk.mp4", 20, 28, 0.9), Image(2, "/p/sign.jpg", 0.8), Frame(3, "/v/talk.mp4", 45, 45, 0.7)));

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Contain(l => l.Contains("1. 0.900  /v/talk.mp4 @ 00:00:20.0-00:00:28.0", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains("also at 00:00:45.0 (0.700)", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains("2. 0.800  /p/sign.jpg", StringComparison.Ordinal));
        lines.Should().NotContain(l => l.Contains("3. ", StringComparison.Ordinal));
    }

    private static SearchResponse Response(params SearchHit[] hits) =>
        new(new QueryParser().Parse("exit", TextFolding.Default), hits, hits.Length, hits.Length, TimeSpan.FromMilliseconds(1));

    private static SearchHit Frame(long id, string path, double start, double end, double score) =>
        Hit(new StoredImage(id, ImageKey.ForFrame(path, TimeSpan.FromSeconds(start)), "/v", 1000, DateTimeOffset.UnixEpoch, null, 640, 360, new FrameSpan(TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(end)), ImageStatus.Ok, null, DateTimeOffset.UnixEpoch), score);

    private static SearchHit Image(long id, string path, double score) =>
        Hit(new StoredImage(id, ImageKey.ForFile(path), "/p", 1000, DateTimeOffset.UnixEpoch, null, 640, 480, null, ImageStatus.Ok, null, DateTimeOffset.UnixEpoch), score);

    private static SearchHit Hit(StoredImage image, double score) =>
        new(image, score, [new SpanMatch(image.Id * 10, "exit", "EXIT", Box, 0, 4, 8, score, MatchKind.WholeWord)]);
}
