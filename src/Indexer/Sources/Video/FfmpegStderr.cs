using System.Threading.Channels;

namespace Retrieval.Indexer.Sources.Video;

/// <summary>
/// Drains ffmpeg's stderr while a read runs (so ffmpeg never blocks on it): frame lines from
/// <c>showinfo</c> go to <see cref="Frames"/> in order; the input description, the last error lines
/// and the decoded-frame count are kept, bounded, for the reader to judge the outcome.
/// A frame's line is logged before its bytes reach stdout, so the reader can wait for the line,
/// then read the bytes.
/// </summary>
internal sealed class FfmpegStderr
{
    private const int MaxHeaderLines = 400;
    private const int MaxErrors = 20;

    private readonly Channel<ShowinfoFrame> frames = Channel.CreateUnbounded<ShowinfoFrame>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly List<FfmpegLogLine> header = [];
    private readonly Queue<FfmpegLogLine> errors = new();
    private readonly Lock gate = new();
    private bool headerDone;
    private FfmpegLevel lastLevel;
    private long? framesDecoded;

    public ChannelReader<ShowinfoFrame> Frames => frames.Reader;

    public long? FramesDecoded
    {
        get
        {
            lock (gate)
            {
                return framesDecoded;
            }
        }
    }

    /// <summary>Reads <paramref name="stderr"/> to its end; completes <see cref="Frames"/> then.</summary>
    public async Task DrainAsync(StreamReader stderr)
    {
        try
        {
            while (await stderr.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } raw)
            {
                Add(FfmpegLog.Parse(raw));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process was killed and its pipe closed under us: what was read stands.
        }
        finally
        {
            frames.Writer.TryComplete();
        }
    }

    public IReadOnlyList<FfmpegLogLine> Header()
    {
        lock (gate)
        {
            return header.ToList();
        }
    }

    public IReadOnlyList<FfmpegLogLine> Errors()
    {
        lock (gate)
        {
            return errors.ToList();
        }
    }

    private void Add(FfmpegLogLine line)
    {
        if (FfmpegLog.TryParseShowinfo(line, out var frame))
        {
            headerDone = true;
            frames.Writer.TryWrite(frame);
            return;
        }

        if (line.Level == FfmpegLevel.Unknown)
        {
            // A message's continuation line: it has the level of the line before.
            line = line with { Level = lastLevel };
        }

        lastLevel = line.Level;
        lock (gate)
        {
            if (!headerDone && header.Count < MaxHeaderLines)
            {
                header.Add(line);
            }

            if (line.IsError)
            {
                errors.Enqueue(line);
                if (errors.Count > MaxErrors)
                {
                    errors.Dequeue();
                }
            }

            if (FfmpegLog.TryParseDecodedFrames(line, out var decoded))
            {
                framesDecoded = decoded;
            }
        }
    }
}
