using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Retrieval.Indexer.Sources.Video;

/// <summary>
/// Folds sampled frames that look like the last kept frame into it (<see cref="FrameFingerprint"/>
/// distance at most the threshold), so a static shot is read once and stands for its whole stretch.
/// Each frame is compared with the kept frame, not the frame before, so slow drift still ends a
/// stretch. A kept frame is handed on once its stretch is known: when a different frame arrives or
/// the video ends. One instance per video read; not thread-safe.
/// </summary>
public sealed class FrameDeduplicator
{
    private readonly int threshold;

    /// <param name="threshold">The largest <see cref="FrameFingerprint"/> distance (0..255) of a duplicate; -1 keeps every frame.</param>
    public FrameDeduplicator(int threshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, -1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, 255);
        this.threshold = threshold;
    }

    /// <summary>Frames offered (a resume's seed frame included).</summary>
    public int Seen { get; private set; }

    public int Kept { get; private set; }

    /// <summary>Frames folded into a kept frame (or into the seed frame) instead of being read.</summary>
    public int Duplicates { get; private set; }

    /// <summary>
    /// The kept frames of <paramref name="frames"/>, each with its stretch. When the source fails with
    /// a <see cref="VideoReadException"/>, the frame held back is handed on first, then the exception
    /// is rethrown, so what was decoded before the damage is not lost.
    /// </summary>
    /// <param name="seedTime">
    /// When resuming a video: the time of the last frame kept before. A first frame within a
    /// millisecond of it is that frame again; it is not handed on, and the frames that look like it
    /// are dropped as its duplicates instead of starting a new stretch.
    /// </param>
    public async IAsyncEnumerable<KeptFrame> KeepDistinctAsync(IAsyncEnumerable<VideoFrame> frames, TimeSpan? seedTime = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        KeptFrame? held = null;
        FrameFingerprint? reference = null;
        ExceptionDispatchInfo? failure = null;
        await using var source = frames.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await source.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (VideoReadException e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
                break;
            }

            var frame = source.Current;
            var print = threshold >= 0 ? FrameFingerprint.Of(frame.Image) : null;
            Seen++;
            if (Seen == 1 && seedTime is { } seed && (frame.Time - seed).Duration() < TimeSpan.FromMilliseconds(1))
            {
                reference = print;
                continue;
            }

            if (reference is not null && print is not null && reference.Distance(print) <= threshold)
            {
                Duplicates++;
                if (held is not null)
                {
                    held = held with { End = frame.Time, Duplicates = held.Duplicates + 1 };
                }

                continue;
            }

            if (held is not null)
            {
                yield return held;
            }

            Kept++;
            held = new KeptFrame(frame, frame.Time, 0);
            reference = print;
        }

        if (held is not null)
        {
            yield return held;
        }

        failure?.Throw();
    }

    /// <summary>Every frame kept, each standing for itself (deduplication off).</summary>
    public static FrameDeduplicator KeepAll() => new(-1);
}
