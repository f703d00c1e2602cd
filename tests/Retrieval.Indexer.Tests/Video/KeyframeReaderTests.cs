using Retrieval.Indexer.Sources.Video;
using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Tests.Video;

public sealed class KeyframeReaderTests(VideoFixture video) : IClassFixture<VideoFixture>
{
    private static readonly VideoOptions Options = new() { MaxInterval = TimeSpan.FromSeconds(2), MaxFramesPerMinute = 60 };
    private static readonly TimeSpan Interval = Options.MaxInterval;

    [Fact]
    public async Task Frames_come_in_order_no_closer_than_the_gap_and_no_further_apart_than_the_interval()
    {
        var frames = await TestVideos.ReadAllAsync(new KeyframeReader(Options), video.Timeline);

        frames.Should().NotBeEmpty();
        frames[0].Time.Should().Be(TimeSpan.Zero);
        frames.Select(f => f.Index).Should().Equal(Enumerable.Range(0, frames.Count));
        var frameTime = TimeSpan.FromSeconds(1 / VideoFixture.Fps);
        foreach (var (a, b) in frames.Zip(frames.Skip(1)))
        {
            (b.Time - a.Time).Should().BeGreaterThanOrEqualTo(Options.MinGap - TimeSpan.FromMilliseconds(1));
            (b.Time - a.Time).Should().BeLessThanOrEqualTo(Interval + frameTime);
        }

        frames[^1].Time.Should().BeGreaterThan(TimeSpan.FromSeconds(30) - Interval - frameTime);
        frames.Should().OnlyContain(f => f.Image.Width == VideoFixture.Width && f.Image.Height == VideoFixture.Height && f.Scale == 1.0);
    }

    [Fact]
    public async Task Text_is_found_within_one_sampling_interval_of_when_it_appears()
    {
        var frames = await TestVideos.ReadAllAsync(new KeyframeReader(Options), video.Timeline);
        var shown = frames.Select(f => (f.Time, Picture: TestVideos.Classify(f.Image, video.TimelinePictures))).ToList();

        var frameTen = shown.Where(s => s.Picture == 1).Select(s => s.Time).ToList();
        frameTen.Should().NotBeEmpty();
        frameTen[0].Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(10)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(10) + Interval);
        frameTen.Should().OnlyContain(t => t >= TimeSpan.FromSeconds(10) && t < TimeSpan.FromSeconds(14));

        var exit = shown.Where(s => s.Picture == 3).Select(s => s.Time).ToList();
        exit[0].Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(20)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(20) + Interval);

        // The keyframe at 10 s (x264 -g 50) is taken itself, not the next interval tick.
        frames.Should().Contain(f => f.Time == TimeSpan.FromSeconds(10) && f.IsKeyframe);
    }

    [Fact]
    public async Task Deduplication_keeps_one_frame_per_picture_with_the_stretch_it_stands_for()
    {
        var reader = new KeyframeReader(Options);
        var dedup = new FrameDeduplicator(Options.DuplicateThreshold);
        var kept = new List<KeptFrame>();
        await foreach (var k in dedup.KeepDistinctAsync(reader.ReadAsync(video.Timeline)))
        {
            kept.Add(k);
        }

        kept.Select(k => TestVideos.Classify(k.Frame.Image, video.TimelinePictures)).Should().Equal(0, 1, 2, 3);
        kept.Select(k => k.Start.TotalSeconds).Should().Equal(0, 10, 14, 20);
        kept[1].End.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(14) - Interval).And.BeLessThan(TimeSpan.FromSeconds(14));
        kept[3].End.Should().BeGreaterThan(TimeSpan.FromSeconds(30) - Interval - TimeSpan.FromSeconds(0.2));
        dedup.Kept.Should().Be(4);
        dedup.Seen.Should().Be(dedup.Kept + dedup.Duplicates);
        kept.Sum(k => k.Duplicates).Should().Be(dedup.Duplicates);
    }

    [Fact]
    public async Task A_resumed_read_seeded_with_the_last_kept_frame_drops_its_repeats()
    {
        var dedup = new FrameDeduplicator(Options.DuplicateThreshold);
        var kept = new List<KeptFrame>();
        var seed = TimeSpan.FromSeconds(10);
        await foreach (var k in dedup.KeepDistinctAsync(new KeyframeReader(Options).ReadAsync(video.Timeline, seed - TimeSpan.FromTicks(5000)), seed))
        {
            kept.Add(k);
        }

        kept.Select(k => k.Start.TotalSeconds).Should().Equal(14, 20);
        kept.Select(k => TestVideos.Classify(k.Frame.Image, video.TimelinePictures)).Should().Equal(2, 3);
        dedup.Duplicates.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_static_sixty_second_slide_is_sampled_every_interval_and_read_once()
    {
        var stats = new VideoReadStats();
        var dedup = new FrameDeduplicator(Options.DuplicateThreshold);
        var kept = new List<KeptFrame>();
        await foreach (var k in dedup.KeepDistinctAsync(new KeyframeReader(Options).ReadAsync(video.StaticSlide, stats: stats)))
        {
            kept.Add(k);
        }

        stats.FramesRead.Should().BeInRange(29, 31);
        stats.FramesDecoded.Should().Be(300);
        stats.Video!.Duration.Should().Be(TimeSpan.FromSeconds(60));
        kept.Should().ContainSingle();
        kept[0].Start.Should().Be(TimeSpan.Zero);
        kept[0].End.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(58) - TimeSpan.FromSeconds(0.2));
        kept[0].Duplicates.Should().Be(stats.FramesRead - 1);
    }

    [Fact]
    public async Task Resuming_starts_at_the_given_time_and_keeps_times_from_the_start_of_the_video()
    {
        var frames = await TestVideos.ReadAllAsync(new KeyframeReader(Options), video.Timeline, TimeSpan.FromSeconds(12.1));

        frames[0].Time.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(12.1)).And.BeLessThan(TimeSpan.FromSeconds(12.5));
        frames.Should().Contain(f => f.Time == TimeSpan.FromSeconds(20) && TestVideos.Classify(f.Image, video.TimelinePictures) == 3);
        TestVideos.Classify(frames[0].Image, video.TimelinePictures).Should().Be(1);
    }

    [Fact]
    public async Task Resuming_past_the_end_reads_nothing_and_is_no_error()
    {
        var frames = await TestVideos.ReadAllAsync(new KeyframeReader(Options), video.Timeline, TimeSpan.FromSeconds(31));

        frames.Should().BeEmpty();
    }

    [Fact]
    public async Task Frames_are_scaled_down_to_the_maximum_side_by_ffmpeg()
    {
        var frames = await TestVideos.ReadAllAsync(new KeyframeReader(Options with { MaxSide = 200 }), video.Timeline);

        frames.Should().OnlyContain(f => f.Image.Width == 200 && f.Image.Height == 150);
        frames[0].Scale.Should().BeApproximately(200.0 / 320, 1e-9);
        frames[0].Video.DisplayWidth.Should().Be(320);
    }

    [Fact]
    public async Task Scene_changes_closer_than_the_gap_are_held_back_to_respect_the_frame_budget()
    {
        using var folder = new TempFolder();
        var a = TestVideos.Slide(160, 120, "AAA");
        var b = TextRenderer.Render(new SceneSpec(160, 120, [new TextItem("BBB", 40, 60, "DejaVu Sans Bold 28", 0, 230, 230, 230)], BackgroundR: 20, BackgroundG: 20, BackgroundB: 60));
        var flicker = Enumerable.Range(0, 40).Select(i => new VideoSegment(i * 0.4, i % 2 == 0 ? a : b)).ToList();
        var path = await TestVideos.EncodeAsync(folder.File("flicker.mp4"), 5, 16, flicker);
        var options = Options with { MaxFramesPerMinute = 20, MaxInterval = TimeSpan.FromSeconds(5) };

        var frames = await TestVideos.ReadAllAsync(new KeyframeReader(options), path);

        foreach (var (x, y) in frames.Zip(frames.Skip(1)))
        {
            (y.Time - x.Time).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(1));
        }

        frames.Count.Should().BeInRange(5, 6);
        (frames[1].Time - frames[0].Time).Should().BeLessThan(TimeSpan.FromSeconds(3.3), "the pending change is taken as soon as the gap has passed");
    }

    [Fact]
    public async Task Cancelling_a_read_stops_it_promptly()
    {
        using var cancel = new CancellationTokenSource();
        var read = 0;
        var act = async () =>
        {
            await foreach (var frame in new KeyframeReader(Options).ReadAsync(video.StaticSlide, cancellationToken: cancel.Token))
            {
                read++;
                await cancel.CancelAsync();
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        read.Should().Be(1);
    }

    [Fact]
    public async Task Leaving_a_read_early_ends_ffmpeg()
    {
        var reader = new KeyframeReader(Options);
        await foreach (var frame in reader.ReadAsync(video.StaticSlide))
        {
            frame.Index.Should().Be(0);
            break;
        }

        // A second full read works; the abandoned process did not hold anything.
        (await TestVideos.ReadAllAsync(reader, video.StaticSlide)).Should().HaveCountGreaterThan(20);
    }
}
