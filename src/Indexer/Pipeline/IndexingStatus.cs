using System.Diagnostics;

namespace Retrieval.Indexer.Pipeline;

/// <summary>
/// Live counters of an indexing run, updated by the stages and read by the progress bar, the logs
/// and the HTTP status endpoint. Thread-safe; a snapshot is consistent enough for display.
/// </summary>
public sealed class IndexingStatus
{
    private readonly Stopwatch clock = new();
    private long discovered;
    private long skipped;
    private long indexed;
    private long failed;
    private long lines;
    private long pruned;
    private long frames;
    private long duplicateFrames;
    private long failedFrames;
    private long embedded;
    private long embeddedRegions;
    private long changes;

    public bool Running { get; private set; }

    /// <summary>
    /// Grows with every record written (image, failure or video frame) or pruned, over all runs, and
    /// is never reset: what caches of search results compare to know the index changed.
    /// </summary>
    public long Changes => Interlocked.Read(ref changes);

    public string? Current { get; internal set; }

    public long Discovered => Interlocked.Read(ref discovered);

    public long Skipped => Interlocked.Read(ref skipped);

    public long Indexed => Interlocked.Read(ref indexed);

    public long Failed => Interlocked.Read(ref failed);

    /// <summary>Images given CLIP embeddings in this run (with their text, or added to text already indexed).</summary>
    public long Embedded => Interlocked.Read(ref embedded);

    /// <summary>Text-region embeddings among them (besides one whole-image embedding each).</summary>
    public long EmbeddedRegions => Interlocked.Read(ref embeddedRegions);

    public long Lines => Interlocked.Read(ref lines);

    public long Pruned => Interlocked.Read(ref pruned);

    /// <summary>Video frames written (each video also counts once as a file when its record is written).</summary>
    public long Frames => Interlocked.Read(ref frames);

    /// <summary>Video frames whose text could not be read (model errors), also listed as failures.</summary>
    public long FailedFrames => Interlocked.Read(ref failedFrames);

    /// <summary>Sampled video frames folded into a kept frame instead of being read.</summary>
    public long DuplicateFrames => Interlocked.Read(ref duplicateFrames);

    /// <summary>Files found that are neither skipped nor written yet.</summary>
    public long Queued => Math.Max(0, Discovered - Skipped - Indexed - Failed);

    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Images and video frames written (indexed or failed) per second of this run.</summary>
    public double ImagesPerSecond => clock.Elapsed.TotalSeconds > 0 ? (Indexed + Failed + Frames) / clock.Elapsed.TotalSeconds : 0;

    /// <summary>Starts a run: counters and clock restart, so a run's summary (and a watch run's log line) describes that run alone.</summary>
    internal void Start()
    {
        Interlocked.Exchange(ref discovered, 0);
        Interlocked.Exchange(ref skipped, 0);
        Interlocked.Exchange(ref indexed, 0);
        Interlocked.Exchange(ref failed, 0);
        Interlocked.Exchange(ref lines, 0);
        Interlocked.Exchange(ref pruned, 0);
        Interlocked.Exchange(ref frames, 0);
        Interlocked.Exchange(ref duplicateFrames, 0);
        Interlocked.Exchange(ref failedFrames, 0);
        Interlocked.Exchange(ref embedded, 0);
        Interlocked.Exchange(ref embeddedRegions, 0);
        Running = true;
        clock.Restart();
    }

    internal void Stop()
    {
        Running = false;
        Current = null;
        clock.Stop();
    }

    internal void AddDiscovered() => Interlocked.Increment(ref discovered);

    internal void AddSkipped() => Interlocked.Increment(ref skipped);

    internal void AddWritten(bool ok, int lineCount)
    {
        Interlocked.Increment(ref changes);
        Interlocked.Increment(ref ok ? ref indexed : ref failed);
        Interlocked.Add(ref lines, lineCount);
    }

    internal void AddPruned(int count)
    {
        Interlocked.Add(ref changes, count);
        Interlocked.Add(ref pruned, count);
    }

    internal void AddFrame(bool ok)
    {
        Interlocked.Increment(ref changes);
        Interlocked.Increment(ref frames);
        if (!ok)
        {
            Interlocked.Increment(ref failedFrames);
        }
    }

    internal void AddDuplicateFrames(int count) => Interlocked.Add(ref duplicateFrames, count);

    /// <summary>An image's embeddings were committed; <paramref name="alone"/> when they were added to text already indexed.</summary>
    internal void AddEmbedded(int regions, bool alone)
    {
        if (alone)
        {
            Interlocked.Increment(ref changes);
        }

        Interlocked.Increment(ref embedded);
        Interlocked.Add(ref embeddedRegions, regions);
    }
}
