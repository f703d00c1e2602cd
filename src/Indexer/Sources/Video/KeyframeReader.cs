using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Sources.Video;

/// <summary>
/// Reads the frames of a video worth reading (<see cref="SamplingFilter"/>: keyframes, scene changes,
/// at least one every <see cref="VideoOptions.MaxInterval"/>, at most
/// <see cref="VideoOptions.MaxFramesPerMinute"/>) as RGB images with exact presentation times, from
/// one ffmpeg process over pipes: raw RGB on stdout, each frame's time and size logged on stderr
/// just before it. No temporary files. Rotation is applied (ffmpeg autorotates) and frames are
/// scaled down to <see cref="VideoOptions.MaxSide"/> by ffmpeg.
/// <para>
/// Outcomes: a missing ffmpeg is <see cref="FfmpegNotFoundException"/> at the first read; a file
/// that cannot be read at all, or has no video stream, is a <see cref="VideoReadException"/> before
/// any frame; a file that breaks off (truncated, damaged, ffmpeg failing) yields the frames it could
/// decode and then throws <see cref="VideoReadException"/> saying how far it got. Cancelling, or
/// leaving the enumeration early, kills ffmpeg. One reader can serve several reads at once.
/// </para>
/// </summary>
public sealed partial class KeyframeReader
{
    private readonly VideoOptions options;
    private readonly ILogger logger;
    private readonly string filter;
    private string? ffmpeg;

    public KeyframeReader(VideoOptions options, ILogger<KeyframeReader>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.logger = logger ?? (ILogger)NullLogger.Instance;
        filter = SamplingFilter.Build(options);
    }

    public VideoOptions Options => options;

    /// <summary>The ffmpeg executable, located on first use.</summary>
    /// <exception cref="FfmpegNotFoundException">No ffmpeg.</exception>
    public string FfmpegPath => ffmpeg ??= FfmpegLocator.Locate(options.FfmpegPath);

    /// <summary>
    /// The sampled frames of <paramref name="path"/> at or after <paramref name="start"/> (to resume
    /// a video read before), in presentation order. <paramref name="stats"/>, when given, is filled in.
    /// </summary>
    public async IAsyncEnumerable<VideoFrame> ReadAsync(
        string path,
        TimeSpan start = default,
        VideoReadStats? stats = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(start, TimeSpan.Zero);
        var full = Path.GetFullPath(path);
        var executable = FfmpegPath;
        if (!File.Exists(full))
        {
            throw new VideoReadException(full, VideoErrorKind.NotFound, "no such file");
        }

        cancellationToken.ThrowIfCancellationRequested();
        stats ??= new VideoReadStats();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(StartInfo(executable, full, start)) ?? throw new InvalidOperationException($"Could not start {executable}.");
        LogStarted(logger, full, start.TotalSeconds);
        var stderr = new FfmpegStderr();
        var draining = stderr.DrainAsync(process.StandardError);
        var stdout = process.StandardOutput.BaseStream;
        await using var kill = cancellationToken.Register(() => Kill(process));
        VideoInfo? video = null;
        var index = 0;
        TimeSpan? last = null;
        try
        {
            var reading = true;
            while (reading && await stderr.Frames.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reading && stderr.Frames.TryRead(out var announced))
                {
                    video ??= stats.Video = VideoProbe.ParseHeader(stderr.Header()) ?? Fallback(announced);
                    CheckSize(full, announced, index, last, video);
                    var pixels = new byte[announced.Width * announced.Height * 3];
                    if (!await ReadFrameAsync(stdout, pixels, cancellationToken).ConfigureAwait(false))
                    {
                        // ffmpeg died in the middle of writing a frame; the exit code tells why below.
                        reading = false;
                        continue;
                    }

                    var time = TimeSpan.FromTicks(Math.Max(0, announced.Pts) * TimeSpan.TicksPerMicrosecond);
                    var frame = new VideoFrame(new RgbImage(announced.Width, announced.Height, pixels), time, index++, announced.IsKeyframe, video);
                    last = time;
                    stats.FramesRead = index;
                    stats.LastFrameTime = time;
                    yield return frame;
                }
            }

            await draining.ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            stats.Elapsed = clock.Elapsed;
            stats.FramesDecoded = stderr.FramesDecoded;
            Judge(full, process.ExitCode, stderr, start, index, last, video, stats);
        }
        finally
        {
            Kill(process);
        }
    }

    private ProcessStartInfo StartInfo(string executable, string path, TimeSpan start)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        // Timestamps count from the start of the file (the container's start time is 0) whether or not
        // the read seeks: -copyts keeps them unshifted by -ss, -start_at_zero removes the start time.
        var arguments = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+verbose", "-copyts", "-start_at_zero" };
        if (start > TimeSpan.Zero)
        {
            // Input seeking: fast to the keyframe before, then exact (ffmpeg drops the frames before start).
            arguments.AddRange(["-ss", start.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture)]);
        }

        // 0:V:0 is the first video stream that is not cover art; passthrough keeps ffmpeg from duplicating or dropping frames.
        arguments.AddRange(["-i", path, "-map", "0:V:0", "-an", "-sn", "-dn", "-vf", filter, "-vsync", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Decides how a finished read ended: normally, with concealed damage (warnings), or as an error.</summary>
    private void Judge(string path, int exitCode, FfmpegStderr stderr, TimeSpan start, int framesRead, TimeSpan? last, VideoInfo? video, VideoReadStats stats)
    {
        var errors = stderr.Errors();
        var errorText = VideoProbe.ErrorText(errors);
        if (framesRead == 0)
        {
            var header = stderr.Header();
            if (exitCode != 0 || VideoProbe.ParseHeader(header) is null)
            {
                throw errorText.Contains("matches no streams", StringComparison.Ordinal) && header.Any(l => l.Text.StartsWith("Input #", StringComparison.Ordinal))
                    ? new VideoReadException(path, VideoErrorKind.NoVideoStream, "ffmpeg found no video stream in it")
                    : VideoProbe.NoVideo(path, header.Concat(errors).ToList());
            }

            if (start == TimeSpan.Zero)
            {
                throw new VideoReadException(path, VideoErrorKind.Unreadable, errorText.Length > 0 ? $"no frame could be decoded: {errorText}" : "the video stream has no frames", 0, null, stats.Video?.Duration);
            }

            if (errors.Count > 0)
            {
                // Resumed into the damage that stopped the read before.
                throw new VideoReadException(path, VideoErrorKind.Truncated, string.Create(CultureInfo.InvariantCulture, $"no frame after {start.TotalSeconds:0.0} s could be decoded: {errorText}"), 0, null, VideoProbe.ParseHeader(header)?.Duration);
            }

            // Resumed past the last frame: nothing more to read.
            return;
        }

        var duration = video?.Duration;
        if (exitCode != 0)
        {
            throw new VideoReadException(path, errors.Count > 0 ? VideoErrorKind.Truncated : VideoErrorKind.Failed, $"ffmpeg stopped with exit code {exitCode}" + (errorText.Length > 0 ? $": {errorText}" : string.Empty), framesRead, last, duration);
        }

        if (errors.Count == 0)
        {
            return;
        }

        // ffmpeg conceals damage and exits 0; a read that ends well before the announced end was cut short.
        var slack = options.MaxInterval + TimeSpan.FromSeconds(1);
        if (duration is { } d && last is { } l && l + slack < d)
        {
            throw new VideoReadException(path, VideoErrorKind.Truncated, errorText, framesRead, last, duration);
        }

        stats.Warnings = errors.Select(e => e.Text).ToList();
        LogConcealed(logger, path, errorText);
    }

    private void CheckSize(string path, ShowinfoFrame frame, int index, TimeSpan? last, VideoInfo video)
    {
        // Scaling rounds, so a side may exceed the limit by a pixel; anything more means the filter chain did not apply.
        if (frame.Width < 1 || frame.Height < 1 || Math.Max(frame.Width, frame.Height) > options.MaxSide + 1 || frame.Index != index)
        {
            throw new VideoReadException(path, VideoErrorKind.Failed, $"ffmpeg announced frame {frame.Index} of {frame.Width}x{frame.Height} where frame {index} of at most {options.MaxSide} pixels a side was expected", index, last, video.Duration);
        }
    }

    private static async Task<bool> ReadFrameAsync(Stream stdout, byte[] pixels, CancellationToken cancellationToken)
    {
        try
        {
            await stdout.ReadExactlyAsync(pixels, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (EndOfStreamException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    private static VideoInfo Fallback(ShowinfoFrame frame) => new("unknown", "unknown", null, frame.Width, frame.Height, 1.0, 0, null);

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It exited between the check and the kill.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading keyframes of {Path} from {Start:0.###} s")]
    private static partial void LogStarted(ILogger logger, string path, double start);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path}: ffmpeg reported damage it concealed: {Errors}")]
    private static partial void LogConcealed(ILogger logger, string path, string errors);
}
