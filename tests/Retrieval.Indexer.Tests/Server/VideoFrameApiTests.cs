using System.Net;
using System.Net.Http.Headers;
using Retrieval.Indexer.Server;
using Retrieval.Indexer.Tests.Video;
using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>
/// A video indexed through the server (real ffmpeg and models): its frames are results with their
/// time, are served as images, and lead to the video itself, served with range requests.
/// </summary>
[Collection(ServedIndexCollection.Name)]
public sealed class VideoFrameApiTests(ServedIndexFixture fixture)
{
    [Fact]
    public async Task A_word_shown_in_a_video_finds_the_frame_with_its_time_and_the_frame_is_served_as_an_image_at_the_indexed_size()
    {
        await fixture.StationVideoAsync();
        var page = await (await fixture.Client.GetAsync("/api/search?q=platform")).ShouldBeJsonAsync<SearchPageJson>();

        var frame = page.Results.Should().ContainSingle().Subject;
        frame.Path.Should().Be("clips/station.mp4");
        frame.Video!.Path.Should().Be("clips/station.mp4");
        frame.Video.Seconds.Should().BeApproximately(3, 0.25);
        frame.Video.Url.Should().Be($"/api/images/{frame.Id}/video");
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

    [Fact]
    public async Task The_video_of_a_frame_is_served_whole_or_by_byte_ranges_so_a_player_can_seek_to_the_frame()
    {
        var video = await fixture.StationVideoAsync();
        var bytes = await File.ReadAllBytesAsync(video);
        var frame = (await (await fixture.Client.GetAsync("/api/search?q=platform")).ShouldBeJsonAsync<SearchPageJson>()).Results.Single();

        var whole = await fixture.Client.GetAsync(frame.Video!.Url);
        whole.StatusCode.Should().Be(HttpStatusCode.OK, await whole.Content.ReadAsStringAsync());
        whole.Content.Headers.ContentType!.MediaType.Should().Be("video/mp4");
        whole.Headers.AcceptRanges.Should().Contain("bytes");
        whole.Headers.ETag.Should().NotBeNull();
        (await whole.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);

        using var middle = new HttpRequestMessage(HttpMethod.Get, frame.Video.Url);
        middle.Headers.Range = new RangeHeaderValue(100, 1123);
        var part = await fixture.Client.SendAsync(middle);
        part.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        part.Content.Headers.ContentRange!.ToString().Should().Be($"bytes 100-1123/{bytes.Length}");
        (await part.Content.ReadAsByteArrayAsync()).Should().Equal(bytes[100..1124]);

        using var tail = new HttpRequestMessage(HttpMethod.Get, frame.Video.Url);
        tail.Headers.Range = new RangeHeaderValue(null, 64);
        var end = await fixture.Client.SendAsync(tail);
        end.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await end.Content.ReadAsByteArrayAsync()).Should().Equal(bytes[^64..]);

        using var beyond = new HttpRequestMessage(HttpMethod.Get, frame.Video.Url);
        beyond.Headers.Range = new RangeHeaderValue(bytes.Length + 10, null);
        (await fixture.Client.SendAsync(beyond)).StatusCode.Should().Be(HttpStatusCode.RequestedRangeNotSatisfiable);
    }

    [Fact]
    public async Task Only_frames_have_a_video_and_a_video_outside_its_indexed_folder_or_gone_from_disk_is_not_served()
    {
        await (await fixture.Client.GetAsync($"/api/images/{fixture.Ids["signs/exit.png"]}/video")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not a video frame");
        await (await fixture.Client.GetAsync("/api/images/987654321/video")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "no image 987654321");
        await (await fixture.Client.GetAsync("/api/images/abc/video")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        // A video indexed inside its folder, then swapped for a link to a file outside it, then removed.
        var root = fixture.Scratch("swapped-video");
        var outside = fixture.Scratch("outside-videos");
        var inside = Path.Combine(root, "notice.mp4");
        await TestVideos.EncodeAsync(inside, fps: 5, seconds: 1, [new VideoSegment(0, TestVideos.Slide(480, 270, "NOTICE", 100, 90, "DejaVu Sans Bold 48"))]);
        await fixture.IndexAsync(root, expectedImages: 1);
        var id = await FirstFrameIdUnderAsync(root);
        var served = await fixture.Client.GetAsync($"/api/images/{id}/video");
        served.StatusCode.Should().Be(HttpStatusCode.OK, await served.Content.ReadAsStringAsync());

        var moved = Path.Combine(outside, "notice.mp4");
        File.Move(inside, moved);
        File.CreateSymbolicLink(inside, moved);
        await (await fixture.Client.GetAsync($"/api/images/{id}/video")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "outside the folder it was indexed under");

        File.Delete(inside);
        await (await fixture.Client.GetAsync($"/api/images/{id}/video")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "re-index");
    }

    private async Task<long> FirstFrameIdUnderAsync(string root)
    {
        await foreach (var image in fixture.Store.ListImagesUnderAsync(root))
        {
            if (image.Key.FrameTime is not null)
            {
                return image.Id;
            }
        }

        throw new InvalidOperationException($"No frame of a video under {root} was indexed.");
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
