using Retrieval.Indexer.Sources.Video;

namespace Retrieval.Indexer.Tests.Video;

public sealed class VideoProbeTests
{
    // In the formats of ffmpeg 5.1 (Debian 12) and of the static ffmpeg 4.1 build (stream lines indented by 4), run with -loglevel level+info.
    private const string Ffmpeg51 = """
        [info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'rot.mp4':
        [info]   Metadata:
        [info]     major_brand     : isom
        [info]   Duration: 00:01:02.50, start: 0.000000, bitrate: 24 kb/s
        [info]   Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 320x240 [SAR 1:1 DAR 4:3], 23 kb/s, 29.97 fps, 5 tbr, 10240 tbn (default)
        [info]     Metadata:
        [info]       handler_name    : VideoHandler
        [info]     Side data:
        [info]       displaymatrix: rotation of 90.00 degrees
        [info]   Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 69 kb/s (default)
        [info] Stream mapping:
        [info]   Stream #0:0 -> #0:0 (h264 (native) -> rawvideo (native))
        [info] Output #0, rawvideo, to 'pipe:1':
        [info]   Stream #0:0(und): Video: rawvideo (RGB[24] / 0x18424752), rgb24, 200x150 [SAR 1:1 DAR 4:3], q=2-31, 3600 kb/s, 5 fps, 5 tbn (default)
        """;

    private const string Ffmpeg41 = """
        [info] Input #0, matroska,webm, from 'a.mkv':
        [info]   Duration: N/A, start: 0.000000, bitrate: N/A
        [info]     Stream #0:0: Video: mjpeg, yuvj420p(pc, bt470bg/unknown/unknown), 600x600 [SAR 1:1 DAR 1:1], 90k tbr, 90k tbn, 90k tbc (attached pic)
        [info]     Stream #0:1(eng): Video: mpeg2video (Main), yuv420p(tv, progressive), 720x576 [SAR 64:45 DAR 16:9], 25 fps, 25 tbr, 1k tbn, 50 tbc (default)
        [info]     Metadata:
        [info]       rotate          : 270
        """;

    [Fact]
    public void The_header_of_ffmpeg_5_gives_duration_size_rate_and_rotation()
    {
        var info = VideoProbe.ParseHeader(Lines(Ffmpeg51));

        info.Should().NotBeNull();
        info!.Container.Should().Be("mov,mp4,m4a,3gp,3g2,mj2");
        info.Codec.Should().Be("h264");
        info.Duration.Should().Be(TimeSpan.FromSeconds(62.5));
        (info.Width, info.Height, info.Rotation).Should().Be((320, 240, 90));
        (info.DisplayWidth, info.DisplayHeight).Should().Be((240, 320));
        info.FramesPerSecond.Should().Be(29.97);
    }

    [Fact]
    public void Cover_art_is_skipped_and_the_sample_aspect_ratio_sets_the_display_width()
    {
        var info = VideoProbe.ParseHeader(Lines(Ffmpeg41));

        info!.Codec.Should().Be("mpeg2video");
        info.Duration.Should().BeNull();
        (info.Width, info.Height).Should().Be((720, 576));
        info.SampleAspectRatio.Should().BeApproximately(64.0 / 45, 1e-9);
        (info.DisplayWidth, info.DisplayHeight).Should().Be((1024, 576));
        info.Rotation.Should().Be(0, "the legacy rotate tag is ignored; ffmpeg reports rotation as a display matrix");
    }

    [Fact]
    public void An_input_without_video_streams_has_no_video_info()
    {
        var lines = Lines("""
            [info] Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'audio.mp4':
            [info]   Duration: 00:00:02.00, start: 0.000000, bitrate: 69 kb/s
            [info]   Stream #0:0[0x1](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 69 kb/s (default)
            """);

        VideoProbe.ParseHeader(lines).Should().BeNull();
    }

    [Fact]
    public void Log_lines_are_split_into_component_level_and_text()
    {
        var line = FfmpegLog.Parse("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x556044ee39c0] [error] stream 0, offset 0xb19b: partial file");
        line.Should().Be(new FfmpegLogLine("mov,mp4,m4a,3gp,3g2,mj2", FfmpegLevel.Error, "stream 0, offset 0xb19b: partial file"));
        FfmpegLog.Parse("[fatal] Stream map '0:V:0' matches no streams.").Should().Be(new FfmpegLogLine(null, FfmpegLevel.Fatal, "Stream map '0:V:0' matches no streams."));
        FfmpegLog.Parse("To ignore this, add a trailing '?' to the map.").Level.Should().Be(FfmpegLevel.Unknown);
    }

    [Theory]
    [InlineData("[Parsed_showinfo_5 @ 0x55690df04580] [info] n:   4 pts:10000000 pts_time:10      pos:    29418 fmt:rgb24 sar:1/1 s:200x150 i:P iskey:1 type:I checksum:0286DA5E plane_checksum:[0286DA5E] mean:[125] stdev:[122.5]", 4, 10_000_000L, true)]
    [InlineData("[Parsed_showinfo_5 @ 0x29ab3d80] [info] n:   0 pts:      0 pts_time:0       pos:       48 fmt:rgb24 sar:1/1 s:200x150 i:P iskey:0 type:B checksum:09EE3D0E plane_checksum:[09EE3D0E] mean:[127 ] stdev:[123.7 ]", 0, 0L, false)]
    [InlineData("[Parsed_showinfo_5 @ 0x29ab3d80] [info] n:  12 pts:-40000 pts_time:-0.04 duration:40000 duration_time:0.04 pos: 1 fmt:rgb24 cl:left sar:1/1 s:200x150 i:P iskey:1 type:I checksum:0", 12, -40_000L, true)]
    public void Showinfo_frame_lines_give_index_time_size_and_keyframe(string text, int index, long pts, bool key)
    {
        FfmpegLog.TryParseShowinfo(FfmpegLog.Parse(text), out var frame).Should().BeTrue();

        frame.Should().Be(new ShowinfoFrame(index, pts, 200, 150, key));
    }

    [Fact]
    public void Showinfo_side_data_and_configuration_lines_are_not_frames()
    {
        FfmpegLog.TryParseShowinfo(FfmpegLog.Parse("[Parsed_showinfo_5 @ 0x5] [info] config in time_base: 1/1000000, frame_rate: 5/1"), out _).Should().BeFalse();
        FfmpegLog.TryParseShowinfo(FfmpegLog.Parse("[Parsed_showinfo_5 @ 0x5] [info] color_range:pc color_space:gbr"), out _).Should().BeFalse();
        FfmpegLog.TryParseDecodedFrames(FfmpegLog.Parse("[verbose]   Input stream #0:0 (video): 150 packets read (87357 bytes); 150 frames decoded; "), out var decoded).Should().BeTrue();
        decoded.Should().Be(150);
    }

    private static List<FfmpegLogLine> Lines(string text) => text.Split('\n').Select(FfmpegLog.Parse).ToList();
}

public sealed class FfmpegLocatorTests
{
    [Fact]
    public void Ffmpeg_is_found_on_path_first()
    {
        using var folder = new TempFolder();
        var fake = folder.File("ffmpeg");
        File.WriteAllText(fake, "#!/bin/sh\n");
        MakeExecutable(fake);

        FfmpegLocator.Locate(pathVariable: "/nonexistent" + Path.PathSeparator + folder.Path, cachedPath: "/nonexistent/ffmpeg").Should().Be(fake);
    }

    [Fact]
    public void A_file_that_is_not_executable_is_passed_over_for_the_cached_build()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("ffmpeg"), "not executable");
        var cached = folder.File("cached-ffmpeg");
        File.WriteAllText(cached, "#!/bin/sh\n");
        MakeExecutable(cached);

        FfmpegLocator.Locate(pathVariable: folder.Path, cachedPath: cached).Should().Be(cached);
    }

    [Fact]
    public void Without_ffmpeg_the_error_says_how_to_get_one()
    {
        var act = () => FfmpegLocator.Locate(pathVariable: "/nonexistent", cachedPath: "/nonexistent/ffmpeg-4.1.0/ffmpeg");

        act.Should().Throw<FfmpegNotFoundException>()
            .WithMessage("*apt-get install ffmpeg*")
            .WithMessage("*bash build/fetch-native-deps.sh ffmpeg*")
            .WithMessage("*Images are indexed without it*")
            .Which.Searched.Should().Equal("PATH", "/nonexistent/ffmpeg-4.1.0/ffmpeg");
    }

    [Fact]
    public async Task A_configured_ffmpeg_that_does_not_exist_fails_the_read_not_the_reader()
    {
        var reader = new KeyframeReader(new VideoOptions { FfmpegPath = "/nonexistent/ffmpeg" });

        var act = async () =>
        {
            await foreach (var frame in reader.ReadAsync("any.mp4"))
            {
            }
        };

        (await act.Should().ThrowAsync<FfmpegNotFoundException>()).WithMessage("*configured ffmpeg /nonexistent/ffmpeg*");
    }

    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
    }
}

public sealed class VideoOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        VideoOptions.Default.Validate();
        VideoOptions.Default.MinGap.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Every_invalid_option_is_reported_at_once()
    {
        var options = new VideoOptions { MaxFramesPerMinute = 6, MaxInterval = TimeSpan.FromSeconds(2), SceneThreshold = 0, MaxSide = 8, DuplicateThreshold = 300 };

        var act = options.Validate;

        act.Should().Throw<ArgumentException>()
            .WithMessage("*MaxInterval must be at least 60 s / MaxFramesPerMinute (10 s)*")
            .WithMessage("*SceneThreshold*")
            .WithMessage("*MaxSide*")
            .WithMessage("*DuplicateThreshold*");
    }

    [Fact]
    public void The_filter_selects_keyframes_scene_changes_and_interval_ticks_then_scales_and_timestamps()
    {
        var filter = SamplingFilter.Build(new VideoOptions { MaxInterval = TimeSpan.FromSeconds(3), MaxFramesPerMinute = 30, SceneThreshold = 0.25, MaxSide = 1280 });

        filter.Should().StartWith("select='").And.Contain("eq(pict_type,I)+gt(scene,0.25)").And.Contain("gte(ld(2),2.999)").And.Contain("gte(ld(2),1.999)");
        filter.Should().Contain("min(1,1280/max(iw*sar,ih))").And.EndWith(",setsar=1,format=rgb24,settb=1/1000000,showinfo");
    }
}
