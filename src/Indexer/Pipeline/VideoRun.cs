using Retrieval.Indexer.Sources;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Pipeline;

/// <summary>A video frame's place in its video: its time, the stretch it stands for, its video's run and its position in it.</summary>
internal sealed record VideoFrameWork(TimeSpan Time, FrameSpan Span, VideoRun Run, int Sequence);

/// <summary>
/// One video being indexed in this run. The video source numbers the frames it queues; the writer
/// commits them in that order (<see cref="Release"/> holds back frames that overtook earlier ones in
/// parallel stages), so the committed frames of a video are always a prefix and an interrupted run
/// resumes after the last one without leaving a gap. The writer writes the video's own record
/// (<see cref="Record"/>: Ok, or Incomplete/Failed with the reason) only once every queued frame is
/// committed, so an index never says a video is complete while some of its frames are in flight.
/// </summary>
internal sealed class VideoRun(SourceFile source)
{
    private readonly SortedDictionary<int, ImageWork> early = [];
    private int queued;
    private int released;

    public SourceFile Source => source;

    /// <summary>Frames handed to the pipeline; final once the closing item is queued.</summary>
    public int Queued => Volatile.Read(ref queued);

    /// <summary>Frames the writer committed (written by the writer alone).</summary>
    public int Committed { get; private set; }

    public int FailedFrames { get; private set; }

    public long Lines { get; private set; }

    /// <summary>Sampled frames folded into a kept one (not read).</summary>
    public int Duplicates { get; set; }

    /// <summary>The video's record, set by the video source before it queues the closing item.</summary>
    public ImageDocument? Record { get; set; }

    public bool AllCommitted => Committed >= Queued;

    /// <summary>Counts a frame about to be queued and returns its sequence number.</summary>
    public int FrameQueued() => Interlocked.Increment(ref queued) - 1;

    /// <summary>
    /// Takes a finished frame of this video (writer only) and returns the frames that may now be
    /// committed, in order: none while an earlier frame is still on its way.
    /// </summary>
    public IReadOnlyList<ImageWork> Release(ImageWork frame)
    {
        early[frame.Frame!.Sequence] = frame;
        var ready = new List<ImageWork>();
        while (early.Remove(released, out var next))
        {
            ready.Add(next);
            released++;
        }

        return ready;
    }

    public void FrameCommitted(bool ok, int lines)
    {
        Committed++;
        FailedFrames += ok ? 0 : 1;
        Lines += lines;
    }
}
