using System.Net;
using System.Net.Http.Headers;
using Retrieval.Indexer.Server;
using Retrieval.Indexer.Tests.Video;
using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>A video indexed through the server (real ffmpeg and models): its frames are results with their time, and are served as images.</summary>
[Collection(ServedIndexCollection.Name)]
public sealed class VideoFrameApiTests(ServedIndexFixture fixture)
{
    [Fact]
    public async Task A_word_shown_in_a_video_finds_the_frame_with_its_time_and_the_frame_is_served_as_an_image_at_the_indexed_size()
    {
        var root = fixture.Scratch("videos");
        var clips = Directory.CreateDirectory(Path.Combine(root, "clips")).FullName;
        await TestVideos.EncodeAsync(Path.Combine(clips, "station.mp4"), fps: 5, seconds: 6, [
            new VideoSegment(0, TestVideos.Slide(480, 270, "TRAIN", 100, 90, "DejaVu Sans Bold 48")),
            new VideoSegment(3, TestVideos.Slide(480, 270, "PLATFORM", 60, 90, "DejaVu Sans Bold 48")),
        ]);

        await fixture.IndexAsync(root, expectedImages: 3);
        var page = await (await fixture.Client.GetAsync("/api/search?q=platform")).ShouldBeJsonAsync<SearchPageJson>();

        var frame = page.Results.Should().ContainSingle().Subject;
        frame.Path.Should().Be("clips/station.mp4");
        frame.Video!.Path.Should().Be("clips/station.mp4");
        frame.Video.Seconds.Should().BeApproximately(3, 0.25);
        (frame.Width, frame.Height).Should().Be((480, 270));

        var original = await fixture.Client.GetAsync(frame.Image);
        original.StatusCode.Should().Be(HttpStatusCode.OK, await original.Content.ReadAsStringAsync());
        original.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        var pixels = ImageDecoder.Decode(await original.Content.ReadAsByteArrayAsync(), "frame");
        (pixels.Image.Width, pixels.Image.Height).Should().Be((480, 270), "the frame is extracted at the size its quads refer to");
        var box = ApiAssertions.ToQuad(frame.Matches[0].Quad);
        Ink(pixels.Image, box).Should().BeGreaterThan(0.1, "the matched word's box lies on the drawn word");

        var thumbnail = await fixture.Client.GetAsync($"{frame.Thumbnail}?size=128");
        thumbnail.StatusCode.Should().Be(HttpStatusCode.OK);
        var info = ImageProbe.Probe(await thumbnail.Content.ReadAsByteArrayAsync(), "thumbnail");
        (info.Width, info.Height).Should().Be((128, 72));
        using var again = new HttpRequestMessage(HttpMethod.Get, $"{frame.Thumbnail}?size=128");
        again.Headers.IfNoneMatch.Add(thumbnail.Headers.ETag!);
        (await fixture.Client.SendAsync(again)).StatusCode.Should().Be(HttpStatusCode.NotModified);
    }

    /// <summary>The share of dark pixels inside a box: the slides draw dark text on a light background.</summary>
    private static double Ink(RgbImage image, Retrieval.Models.Geometry.Quad box)
    {
        int dark = 0, all = 0;
        for (var y = (int)box.MinY; y < (int)box.MaxY; y++)
        {
            for (var x = (int)box.MinX; x < (int)box.MaxX; x++)
            {
                var i = ((y * image.Width) + x) * 3;
                dark += image.Pixels[i] + image.Pixels[i + 1] + image.Pixels[i + 2] < 300 ? 1 : 0;
                all++;
            }
        }

        return all == 0 ? 0 : (double)dark / all;
    }
}
