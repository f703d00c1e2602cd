using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Sources;
using Retrieval.Indexer.Sources.Video;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Pipeline;

/// <summary>
/// Turns a video into pipeline items: its kept frames (<see cref="KeyframeReader"/> sampling,
/// <see cref="FrameDeduplicator"/> folding), each indexed as an image keyed by (video path, frame
/// time) with the stretch it stands for, then a closing item for the video's own record.
/// <para>
/// The video's record is keyed by its path like an image file and carries its size, modified time
/// and status; it has no lines, so searches never return it. It is written as Incomplete before
/// the first frame, so a run killed mid-video leaves "Incomplete" and its committed frames; the next
/// run resumes at the last committed frame. Unchanged and Ok (or Failed) videos are skipped;
/// changed or forced ones lose their old frames first. A read that breaks off keeps its frames and
/// leaves the record Incomplete with the reason; a video nothing could be read from is Failed.
/// A missing ffmpeg fails videos only.
/// </para>
/// </summary>
internal sealed partial class VideoSource(IIndexStore store, IndexingOptions options, IndexingStatus status, ILogger logger)
{
    /// <summary>Why a video's record is Incomplete while frames are being added.</summary>
    public const string InProgress = "indexing stopped before the end of the video; the next run resumes it";

    private readonly KeyframeReader reader = new(options.Video);

    public async Task ExpandAsync(SourceFile file, ChannelWriter<ImageWork> output, CancellationToken cancellationToken)
    {
        var existing = await store.FindImageAsync(ImageKey.ForFile(file.Path), cancellationToken).ConfigureAwait(false);
        var unchanged = existing is not null && existing.Size == file.Size && existing.Modified == file.Modified && !options.Force && !options.Rebuild;
        if (unchanged && existing!.Status != ImageStatus.Incomplete)
        {
            status.AddSkipped();
            return;
        }

        TimeSpan? lastFrame = null;
        if (unchanged)
        {
            lastFrame = await LastFrameAsync(file.Path, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (existing is not null)
            {
                // A changed (or forced) video: its old frames would mix with the new ones.
                await store.DeletePathsAsync([file.Path], cancellationToken).ConfigureAwait(false);
            }

            await store.WriteAsync([Record(file, ImageStatus.Incomplete, InProgress, null)], cancellationToken).ConfigureAwait(false);
        }

        var run = new VideoRun(file);
        var stats = new VideoReadStats();
        var dedup = options.Video.Deduplicate ? new FrameDeduplicator(options.Video.DuplicateThreshold) : FrameDeduplicator.KeepAll();

        // A resumed read starts at the last indexed frame itself (half a millisecond early, against
        // rounding), so the deduplicator sees it again and drops its repeats instead of re-reading them.
        var start = lastFrame is { } t ? TimeSpan.FromTicks(Math.Max(0, (t - TimeSpan.FromTicks(5000)).Ticks)) : TimeSpan.Zero;
        var resumed = lastFrame is not null;
        ImageDocument record;
        try
        {
            await foreach (var kept in dedup.KeepDistinctAsync(reader.ReadAsync(file.Path, start, stats, cancellationToken), lastFrame, cancellationToken).ConfigureAwait(false))
            {
                var sequence = run.FrameQueued();
                status.Current = string.Create(CultureInfo.InvariantCulture, $"{file.Path} @ {kept.Start.TotalSeconds:0.0} s");
                await output.WriteAsync(FrameItem(file, kept, run, sequence), cancellationToken).ConfigureAwait(false);
            }

            record = Record(file, ImageStatus.Ok, null, stats.Video);
        }
        catch (VideoReadException e) when (run.Queued > 0 || resumed)
        {
            LogVideoBroke(logger, file.Path, e.Message);
            record = Record(file, ImageStatus.Incomplete, $"{e.Message}. The frames before are indexed; the next run retries from there.", stats.Video);
        }
        catch (Exception e) when (e is VideoReadException or FfmpegNotFoundException)
        {
            record = resumed
                ? Record(file, ImageStatus.Incomplete, e.Message, stats.Video)
                : ImageDocument.Failed(ImageKey.ForFile(file.Path), file.Root, e.Message, file.Size, file.Modified);
        }

        run.Duplicates = dedup.Duplicates;
        run.Record = record;
        LogVideoRead(logger, file.Path, stats.FramesDecoded ?? 0, stats.FramesRead, dedup.Kept, stats.Elapsed.TotalSeconds);
        await output.WriteAsync(new ImageWork(file) { Closes = run }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The time of the last frame of the video in the index; null when none is.</summary>
    private async Task<TimeSpan?> LastFrameAsync(string path, CancellationToken cancellationToken)
    {
        TimeSpan? last = null;
        await foreach (var image in store.ListImagesUnderAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (image.Key.Path == path && image.Key.FrameTime is { } time && (last is null || time > last))
            {
                last = time;
            }
        }

        return last;
    }

    private static ImageWork FrameItem(SourceFile file, KeptFrame kept, VideoRun run, int sequence) => new(file)
    {
        Pixels = kept.Frame.Image,
        Scale = kept.Frame.Scale,
        Width = kept.Frame.Video.DisplayWidth,
        Height = kept.Frame.Video.DisplayHeight,
        Frame = new VideoFrameWork(kept.Start, new FrameSpan(kept.Start, kept.End), run, sequence),
    };

    private static ImageDocument Record(SourceFile file, ImageStatus status, string? error, VideoInfo? video) => new()
    {
        Key = ImageKey.ForFile(file.Path),
        Root = file.Root,
        Size = file.Size,
        Modified = file.Modified,
        Width = video?.DisplayWidth ?? 0,
        Height = video?.DisplayHeight ?? 0,
        Status = status,
        Error = error,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path}: video broke off: {Reason}")]
    private static partial void LogVideoBroke(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Path}: {Decoded} frames decoded, {Sampled} sampled, {Kept} kept in {Seconds:0.0} s")]
    private static partial void LogVideoRead(ILogger logger, string path, long decoded, int sampled, int kept, double seconds);
}
