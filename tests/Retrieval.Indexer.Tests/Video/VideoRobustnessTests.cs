using Retrieval.Indexer.Sources.Video;
using Retrieval.Models.Imaging;
using Retrieval.Models.Native;

namespace Retrieval.Indexer.Tests.Video;

public sealed class VideoRobustnessTests(VideoFixture video) : IClassFixture<VideoFixture>
{
    private static readonly VideoOptions Options = new() { MaxInterval = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task A_truncated_video_yields_the_frames_before_the_cut_then_says_how_far_it_got()
    {
        using var folder = new TempFolder();
        var bytes = await File.ReadAllBytesAsync(video.Timeline);
        var path = folder.File("truncated.mp4");
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        var frames = new List<VideoFrame>();

        var act = async () =>
        {
            await foreach (var frame in new KeyframeReader(Options).ReadAsync(path))
            {
                frames.Add(frame);
            }
        };

        var error = (await act.Should().ThrowAsync<VideoReadException>()).Which;
        error.Kind.Should().Be(VideoErrorKind.Truncated);
        frames.Should().NotBeEmpty();
        error.FramesRead.Should().Be(frames.Count);
        error.LastFrameTime.Should().Be(frames[^1].Time);
        error.Duration.Should().Be(TimeSpan.FromSeconds(30));
        error.LastFrameTime.Should().BeLessThan(TimeSpan.FromSeconds(25));
        error.Message.Should().Contain("truncated").And.Contain($"read {frames.Count} frames up to").And.Contain("of 30.0 s");
    }

    [Fact]
    public async Task A_truncated_video_keeps_its_last_kept_frame_when_deduplicated()
    {
        using var folder = new TempFolder();
        var bytes = await File.ReadAllBytesAsync(video.Timeline);
        var path = folder.File("truncated.mp4");
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 2 / 3)]);
        var kept = new List<KeptFrame>();

        var act = async () =>
        {
            await foreach (var k in new FrameDeduplicator(Options.DuplicateThreshold).KeepDistinctAsync(new KeyframeReader(Options).ReadAsync(path)))
            {
                kept.Add(k);
            }
        };

        var error = (await act.Should().ThrowAsync<VideoReadException>()).Which;
        kept.Should().NotBeEmpty();
        kept[^1].End.Should().Be(error.LastFrameTime!.Value);
    }

    [Fact]
    public async Task A_video_cut_before_its_index_is_unreadable()
    {
        using var folder = new TempFolder();
        var whole = await TestVideos.EncodeAsync(folder.File("whole.mp4"), 5, 6, [new VideoSegment(0, video.Welcome)]);
        var bytes = await File.ReadAllBytesAsync(whole);
        var path = folder.File("cut.mp4");
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var error = await ReadErrorAsync(path);

        error.Kind.Should().Be(VideoErrorKind.Unreadable);
        error.FramesRead.Should().Be(0);
        error.Message.Should().Contain("cut.mp4").And.Contain("moov atom not found");
    }

    [Theory]
    [InlineData("junk.mkv", 4000)]
    [InlineData("empty.mp4", 0)]
    public async Task A_file_that_is_no_video_is_unreadable(string name, int size)
    {
        using var folder = new TempFolder();
        var path = folder.File(name);
        await File.WriteAllBytesAsync(path, Enumerable.Range(0, size).Select(i => (byte)(i * 7919 % 251)).ToArray());

        (await ReadErrorAsync(path)).Kind.Should().Be(VideoErrorKind.Unreadable);
    }

    [Fact]
    public async Task An_audio_only_file_has_no_video_stream()
    {
        using var folder = new TempFolder();
        var path = folder.File("audio-only.mp4");
        await TestVideos.RunAsync(["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", path]);

        var error = await ReadErrorAsync(path);

        error.Kind.Should().Be(VideoErrorKind.NoVideoStream);
        error.Message.Should().Contain("no video stream");
        var probe = async () => await VideoProbe.ProbeAsync(path);
        (await probe.Should().ThrowAsync<VideoReadException>()).Which.Kind.Should().Be(VideoErrorKind.NoVideoStream);
    }

    [Fact]
    public async Task A_missing_file_is_not_found()
    {
        (await ReadErrorAsync(Path.Combine(video.Folder, "missing.mp4"))).Kind.Should().Be(VideoErrorKind.NotFound);
    }

    [Fact]
    public async Task A_huge_resolution_is_scaled_down_at_the_ffmpeg_stage()
    {
        using var folder = new TempFolder();
        var big = TestVideos.Slide(3840, 2160, "HUGE", 400, 800, "DejaVu Sans Bold 300");
        var path = await TestVideos.EncodeAsync(folder.File("huge.mp4"), 1, 2, [new VideoSegment(0, big)], ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);

        var frames = await TestVideos.ReadAllAsync(new KeyframeReader(Options), path);

        frames.Should().NotBeEmpty().And.OnlyContain(f => f.Image.Width == 1920 && f.Image.Height == 1080);
        frames[0].Scale.Should().Be(0.5);
        frames[0].Video.Width.Should().Be(3840);
    }

    [Fact]
    public async Task A_rotated_video_is_read_upright()
    {
        using var folder = new TempFolder();
        var plain = await TestVideos.EncodeAsync(folder.File("plain.mp4"), 5, 2, [new VideoSegment(0, video.Exit)]);
        var rotated = folder.File("rotated.mp4");
        await TestVideos.RunAsync(["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated]);

        var info = await VideoProbe.ProbeAsync(rotated);
        var frames = await TestVideos.ReadAllAsync(new KeyframeReader(Options), rotated);

        info.Rotation.Should().BeOneOf(90, 270);
        (info.DisplayWidth, info.DisplayHeight).Should().Be((240, 320));
        frames.Should().OnlyContain(f => f.Image.Width == 240 && f.Image.Height == 320);
    }

    [Fact]
    public async Task A_variable_frame_rate_video_keeps_each_frames_own_time()
    {
        using var folder = new TempFolder();

        // 50 frames at 5 fps (0..9.8 s), then one frame a second from 10 s; EXIT shows from frame 55 (15 s).
        var path = await TestVideos.EncodeAsync(
            folder.File("vfr.mkv"),
            5,
            20,
            [new VideoSegment(0, video.Welcome), new VideoSegment(11, video.Exit)],
            [.. TestVideos.H264, "-vsync", "vfr"],
            "setpts='if(lt(N,50),N/5,10+(N-50))/TB'");

        var frames = await TestVideos.ReadAllAsync(new KeyframeReader(Options), path);

        var exit = frames.First(f => TestVideos.Classify(f.Image, video.TimelinePictures) == 3);
        exit.Time.Should().Be(TimeSpan.FromSeconds(15));
        frames.Where(f => f.Time > TimeSpan.FromSeconds(10)).Should().OnlyContain(f => f.Time.Ticks % TimeSpan.TicksPerSecond == 0);
    }

    [Theory]
    [InlineData("clip.mkv", new[] { "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p" })]
    [InlineData("clip.webm", new[] { "-c:v", "libvpx", "-b:v", "200k" })]
    [InlineData("clip.mov", new[] { "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p" })]
    [InlineData("clip.avi", new[] { "-c:v", "mpeg4", "-q:v", "3" })]
    public async Task Common_containers_are_read(string name, string[] codec)
    {
        using var folder = new TempFolder();
        var path = await TestVideos.EncodeAsync(folder.File(name), 5, 6, [new VideoSegment(0, video.Welcome), new VideoSegment(3, video.Exit)], codec);

        var frames = await TestVideos.ReadAllAsync(new KeyframeReader(Options), path);

        VideoFiles.IsVideo(path).Should().BeTrue();
        frames.Select(f => TestVideos.Classify(f.Image, video.TimelinePictures)).Should().StartWith(0).And.EndWith(3);
        frames.First(f => TestVideos.Classify(f.Image, video.TimelinePictures) == 3).Time.Should().BeCloseTo(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task The_static_ffmpeg_build_from_the_cache_reads_the_same_frames()
    {
        if (!File.Exists(RetrievalCache.FfmpegPath))
        {
            Console.WriteLine($"Skipped: no static ffmpeg at {RetrievalCache.FfmpegPath} (bash build/fetch-native-deps.sh ffmpeg fetches it).");
            return;
        }

        var fromPath = await TestVideos.ReadAllAsync(new KeyframeReader(Options), video.Timeline);
        var fromCache = await TestVideos.ReadAllAsync(new KeyframeReader(Options with { FfmpegPath = RetrievalCache.FfmpegPath }), video.Timeline);

        fromCache.Select(f => f.Time).Should().Equal(fromPath.Select(f => f.Time));
        fromCache.Select(f => TestVideos.Classify(f.Image, video.TimelinePictures)).Should().Equal(fromPath.Select(f => TestVideos.Classify(f.Image, video.TimelinePictures)));
    }

    private static async Task<VideoReadException> ReadErrorAsync(string path)
    {
        var read = 0;
        var act = async () =>
        {
            await foreach (var frame in new KeyframeReader(Options).ReadAsync(path))
            {
                read++;
            }
        };
        var error = (await act.Should().ThrowAsync<VideoReadException>()).Which;
        read.Should().Be(0);
        return error;
    }
}

public sealed class FrameFingerprintTests
{
    [Fact]
    public void One_changed_word_on_a_static_slide_is_a_change_but_codec_noise_is_not()
    {
        var a = TestVideos.Slide(640, 360, "OPEN 9 TO 5", 40, 300, "DejaVu Sans 10");
        var b = TestVideos.Slide(640, 360, "OPEN 9 TO 6", 40, 300, "DejaVu Sans 10");
        var jpeg = ImageDecoder.Decode(ImageEncoder.EncodeJpeg(a, 75), "a.jpg").Image;

        var print = FrameFingerprint.Of(a);

        print.Distance(FrameFingerprint.Of(b)).Should().BeGreaterThan(VideoOptions.Default.DuplicateThreshold);
        print.Distance(FrameFingerprint.Of(jpeg)).Should().BeLessThanOrEqualTo(VideoOptions.Default.DuplicateThreshold);
        print.Distance(FrameFingerprint.Of(a)).Should().Be(0);
    }

    [Fact]
    public void Tiny_frames_and_frames_of_another_size_are_compared_sensibly()
    {
        var tiny = RgbImage.Filled(10, 5, 200, 200, 200);

        FrameFingerprint.Of(tiny).Distance(FrameFingerprint.Of(RgbImage.Filled(10, 5, 200, 200, 200))).Should().Be(0);
        FrameFingerprint.Of(tiny).Distance(FrameFingerprint.Of(RgbImage.Filled(10, 5, 0, 0, 0))).Should().Be(200);
        FrameFingerprint.Of(tiny).Distance(FrameFingerprint.Of(RgbImage.Filled(20, 5, 200, 200, 200))).Should().Be(255);
    }
}
