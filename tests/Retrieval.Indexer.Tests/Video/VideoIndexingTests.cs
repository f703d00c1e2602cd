using Microsoft.Extensions.Logging.Abstractions;
using Retrieval.Indexer.Output;
using Retrieval.Indexer.Pipeline;
using Retrieval.Indexer.Sources.Video;
using Retrieval.Models.Imaging;
using Retrieval.Search;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Tests.Video;

/// <summary>Videos through the whole indexing pipeline (real ffmpeg, models and SQLite), then searched.</summary>
public sealed class VideoIndexingTests(VideoFixture video) : IClassFixture<VideoFixture>
{
    private static readonly IndexingOptions Options = new() { BatchSize = 2, BatchInterval = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task A_search_finds_the_moment_a_word_appears_in_a_video_next_to_an_image()
    {
        using var folder = new TempFolder();
        var media = Directory.CreateDirectory(folder.File("media")).FullName;
        File.Copy(video.Timeline, Path.Combine(media, "timeline.mp4"));
        ImageEncoder.Save(TestVideos.Slide(320, 240, "EXIT", 60, 80, "DejaVu Sans Bold 40"), Path.Combine(media, "sign.png"));
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = folder.File("index") });

        var summary = await new IndexingPipeline(store, Options, NullLoggerFactory.Instance).RunAsync([media], CancellationToken.None);

        summary.Failures.Should().BeEmpty();
        summary.Indexed.Should().Be(2, "the image and the video each count once");
        summary.VideoFrames.Should().Be(4, "one kept frame per picture of the timeline");
        var searcher = Searcher.Create(store);
        var exit = SearchOutput.ToJson("exit", await searcher.SearchAsync("exit", SearchOptions.Default, CancellationToken.None));
        exit.Results.Select(r => Path.GetFileName(r.Path)).Should().BeEquivalentTo("timeline.mp4", "sign.png");
        var moment = exit.Results.Single(r => r.Video is not null);
        moment.Video!.Seconds.Should().BeInRange(20, 22);
        moment.Video.StartSeconds.Should().Be(moment.Video.Seconds);
        moment.Video.EndSeconds.Should().BeInRange(27.8, 30);
        moment.Matches.Should().Contain(m => m.Text.Contains("EXIT", StringComparison.OrdinalIgnoreCase));
        moment.Moments.Should().BeEmpty();
        moment.Width.Should().Be(320);

        var ten = SearchOutput.ToJson("\"frame ten\"", await searcher.SearchAsync("\"frame ten\"", SearchOptions.Default, CancellationToken.None));
        ten.Results[0].Video!.Seconds.Should().BeInRange(10, 12);
        ten.Results[0].Video!.EndSeconds.Should().BeInRange(11.8, 14);
        var text = new StringWriter();
        SearchOutput.WriteText(text, "\"frame ten\"", await searcher.SearchAsync("\"frame ten\"", SearchOptions.Default, CancellationToken.None));
        text.ToString().Should().Contain("timeline.mp4 @ 00:00:10.0-00:00:1");
    }

    [Fact]
    public async Task An_unchanged_video_is_skipped_and_a_static_slide_is_one_frame()
    {
        using var folder = new TempFolder();
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = folder.File("index") });
        var pipeline = new IndexingPipeline(store, Options, NullLoggerFactory.Instance);

        var first = await pipeline.RunAsync([video.StaticSlide], CancellationToken.None);
        var second = await pipeline.RunAsync([video.StaticSlide], CancellationToken.None);

        first.VideoFrames.Should().Be(1);
        first.DuplicateFrames.Should().BeInRange(28, 30);
        second.Skipped.Should().Be(1);
        second.VideoFrames.Should().Be(0);
        var frames = await FramesAsync(store, video.StaticSlide);
        frames.Should().ContainSingle().Which.FrameSpan!.Value.End.Should().BeGreaterThan(TimeSpan.FromSeconds(57));
        (await store.FindImageAsync(ImageKey.ForFile(Path.GetFullPath(video.StaticSlide)))).Should().BeEquivalentTo(new { Status = ImageStatus.Ok, Width = 320, Height = 240 });
    }

    [Fact]
    public async Task A_video_interrupted_midway_keeps_its_frames_and_the_next_run_completes_it()
    {
        using var folder = new TempFolder();
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = folder.File("index") });
        var pipeline = new IndexingPipeline(store, Options with { BatchSize = 1 }, NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            while (pipeline.Status.Frames < 2 && !stop.IsCancellationRequested)
            {
                await Task.Delay(20);
            }

            await stop.CancelAsync();
        });

        var interrupted = await pipeline.RunAsync([video.Timeline], stop.Token);
        await watching;
        var path = Path.GetFullPath(video.Timeline);
        var kept = await FramesAsync(store, path);
        var record = await store.FindImageAsync(ImageKey.ForFile(path));

        interrupted.Cancelled.Should().BeTrue();
        record!.Status.Should().Be(ImageStatus.Incomplete);
        kept.Should().HaveCountGreaterThanOrEqualTo(2);

        var resumed = await pipeline.RunAsync([video.Timeline], CancellationToken.None);
        var all = await FramesAsync(store, path);

        resumed.Failures.Should().BeEmpty();
        (await store.FindImageAsync(ImageKey.ForFile(path)))!.Status.Should().Be(ImageStatus.Ok);
        all.Select(f => f.Id).Should().StartWith(kept.Select(f => f.Id), "what was committed before the interruption stays");
        all.Select(f => f.Key.FrameTime).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        var exit = await Searcher.Create(store).SearchAsync("exit", SearchOptions.Default, CancellationToken.None);
        exit.Hits[0].Image.Key.FrameTime.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(20)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(22));
    }

    [Fact]
    public async Task A_truncated_video_is_incomplete_with_its_early_frames_searchable()
    {
        using var folder = new TempFolder();
        var bytes = await File.ReadAllBytesAsync(video.Timeline);
        var path = folder.File("cut.mp4");
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 3 / 5)]);
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = folder.File("index") });
        var pipeline = new IndexingPipeline(store, Options, NullLoggerFactory.Instance);

        var summary = await pipeline.RunAsync([path], CancellationToken.None);
        var again = await pipeline.RunAsync([path], CancellationToken.None);

        summary.Failed.Should().Be(1);
        summary.Failures.Should().ContainSingle().Which.Error.Should().Contain("truncated").And.Contain("the next run retries");
        var record = await store.FindImageAsync(ImageKey.ForFile(path));
        record!.Status.Should().Be(ImageStatus.Incomplete);
        var frames = await FramesAsync(store, path);
        frames.Should().NotBeEmpty();
        again.VideoFrames.Should().Be(0, "the resumed read starts at the last indexed frame and drops its repeats");
        again.DuplicateFrames.Should().BeGreaterThan(0);
        again.Failures.Should().ContainSingle().Which.Error.Should().Contain("truncated");
        (await store.FindImageAsync(ImageKey.ForFile(path)))!.Status.Should().Be(ImageStatus.Incomplete);
        (await FramesAsync(store, path)).Select(f => f.Id).Should().Equal(frames.Select(f => f.Id));
        var welcome = await Searcher.Create(store).SearchAsync("welcome", SearchOptions.Default, CancellationToken.None);
        welcome.Hits.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Without_ffmpeg_videos_fail_with_the_fix_and_images_are_still_indexed()
    {
        using var folder = new TempFolder();
        var media = Directory.CreateDirectory(folder.File("media")).FullName;
        File.Copy(video.Timeline, Path.Combine(media, "timeline.mp4"));
        ImageEncoder.Save(TestVideos.Slide(320, 240, "EXIT", 60, 80, "DejaVu Sans Bold 40"), Path.Combine(media, "sign.png"));
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = folder.File("index") });
        var options = Options with { Video = VideoOptions.Default with { FfmpegPath = "/nonexistent/ffmpeg" } };

        var summary = await new IndexingPipeline(store, options, NullLoggerFactory.Instance).RunAsync([media], CancellationToken.None);

        summary.Indexed.Should().Be(1);
        summary.Failures.Should().ContainSingle().Which.Error.Should().Contain("configured ffmpeg /nonexistent/ffmpeg");
        (await Searcher.Create(store).SearchAsync("exit", SearchOptions.Default, CancellationToken.None)).Hits.Should().ContainSingle();
    }

    private static async Task<List<StoredImage>> FramesAsync(IIndexStore store, string path)
    {
        var frames = new List<StoredImage>();
        await foreach (var image in store.ListImagesUnderAsync(Path.GetFullPath(path)))
        {
            if (image.Key.FrameTime is not null)
            {
                frames.Add(image);
            }
        }

        return frames;
    }
}
