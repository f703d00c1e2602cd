using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Retrieval.Indexer.Pipeline;
using Retrieval.Indexer.Sources.Video;
using Retrieval.Models.Imaging;
using Retrieval.Search.Store;

namespace Retrieval.Bench;

/// <summary>
/// Video keyframe indexing on a generated 1280x720 video (rendered slides with words on a noise
/// background, encoded by ffmpeg with x264): alternating 8 s segments, static (the same slide) and
/// panning (the slide slides sideways, so every sampled frame differs). Reports ffmpeg's decoding
/// rate while sampling, frames sampled and kept per minute, the share skipped as duplicates, and
/// the whole indexing run (detection and recognition of the kept frames) per minute of video.
/// <c>video [--seconds 120] [--fps 25] [--interval 2] [--per-minute 60]</c>
/// </summary>
public sealed class VideoBench : IBenchCommand
{
    private static readonly string[] Words =
    [
        "PLATFORM 9", "EXIT", "GATE B12", "NO PARKING", "DEPARTURES", "OPEN DAILY", "SALE 50%", "MAIN STREET",
        "TICKETS", "WAY OUT", "CAFE", "PHARMACY", "BUS STOP", "HOTEL", "TAXI", "ARRIVALS",
    ];

    public string Name => "video";

    public string Description => "video keyframes: ffmpeg decode rate, kept frames/min, duplicate share, indexing time per minute of 1280x720 video";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var seconds = double.Parse(Option(args, "--seconds") ?? "120", CultureInfo.InvariantCulture);
        var fps = double.Parse(Option(args, "--fps") ?? "25", CultureInfo.InvariantCulture);
        var options = VideoOptions.Default with
        {
            MaxInterval = TimeSpan.FromSeconds(double.Parse(Option(args, "--interval") ?? "2", CultureInfo.InvariantCulture)),
            MaxFramesPerMinute = int.Parse(Option(args, "--per-minute") ?? "60", CultureInfo.InvariantCulture),
        };
        var temp = Directory.CreateTempSubdirectory("retrieval-video-bench-");
        try
        {
            var path = Path.Combine(temp.FullName, "bench.mp4");
            var clock = Stopwatch.StartNew();
            await EncodeAsync(path, seconds, fps, cancellationToken);
            Console.WriteLine($"# video bench: 1280x720, {seconds:0} s at {fps:0} fps, x264 -g 250, half static / half panning 8 s segments; {Environment.ProcessorCount} cores, ffmpeg {FfmpegLocator.Locate()}, {DateTime.UtcNow:yyyy-MM-dd}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"made in {clock.Elapsed.TotalSeconds:0.0} s ({new FileInfo(path).Length / 1024} KiB); sampling: interval {options.MaxInterval.TotalSeconds:0.#} s, at most {options.MaxFramesPerMinute}/min, scene > {options.SceneThreshold}"));
            var minutes = seconds / 60;

            var stats = new VideoReadStats();
            var dedup = new FrameDeduplicator(options.DuplicateThreshold);
            var childCpu = ChildCpuSeconds();
            clock.Restart();
            var kept = 0;
            await foreach (var frame in dedup.KeepDistinctAsync(new KeyframeReader(options).ReadAsync(path, stats: stats, cancellationToken: cancellationToken), cancellationToken: cancellationToken))
            {
                kept++;
            }

            var readSeconds = clock.Elapsed.TotalSeconds;
            var ffmpegCpu = ChildCpuSeconds() - childCpu;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read: {stats.FramesDecoded} frames decoded in {readSeconds:0.00} s = {stats.FramesDecoded / readSeconds:0} decoded frames/s ({ffmpegCpu:0.00} s ffmpeg CPU)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampled {stats.FramesRead} ({stats.FramesRead / minutes:0.0}/min), kept {kept} ({kept / minutes:0.0}/min), skipped as duplicates {dedup.Duplicates} ({100.0 * dedup.Duplicates / Math.Max(1, stats.FramesRead):0.0}% of sampled)"));

            await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = Path.Combine(temp.FullName, "index") });
            var pipeline = new IndexingPipeline(store, new IndexingOptions { Video = options }, NullLoggerFactory.Instance);
            clock.Restart();
            var summary = await pipeline.RunAsync([path], cancellationToken);
            var indexSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"index: {summary.VideoFrames} frames, {summary.Lines} lines in {indexSeconds:0.0} s = {indexSeconds / minutes:0.0} s per minute of video ({summary.Failed} failed)"));
            return summary.Failed == 0 ? 0 : 1;
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    /// <summary>Pipes rendered frames into ffmpeg; a segment's slide is rendered once, panning frames are shifted copies.</summary>
    private static async Task EncodeAsync(string path, double seconds, double fps, CancellationToken cancellationToken)
    {
        const int width = 1280, height = 720, segment = 8;
        var start = new ProcessStartInfo(FfmpegLocator.Locate()) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-framerate", fps.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0", "-c:v", "libx264", "-preset", "veryfast", "-g", "250", "-pix_fmt", "yuv420p", path])
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdin = process.StandardInput.BaseStream;
        var frames = (int)Math.Round(seconds * fps);
        var shifted = new byte[width * height * 3];
        RgbImage? slide = null;
        var slideIndex = -1;
        for (var i = 0; i < frames; i++)
        {
            var t = i / fps;
            var index = (int)(t / segment);
            if (index != slideIndex)
            {
                slideIndex = index;
                var items = new List<TextItem>
                {
                    new(Words[index % Words.Length], 120 + (index * 37 % 300), 160 + (index * 53 % 200), "DejaVu Sans Bold 64"),
                    new(Words[(index + 5) % Words.Length], 200 + (index * 71 % 400), 420 + (index * 29 % 120), "DejaVu Sans 40"),
                };
                slide = TextRenderer.Render(new SceneSpec(width, height, items, SceneBackground.Noise, index));
            }

            var pixels = slide!.Pixels;
            if (index % 2 == 1)
            {
                // Panning: the slide moves 4 pixels a frame, wrapping around.
                var dx = (int)((t - (index * segment)) * fps * 4) % width;
                for (var y = 0; y < height; y++)
                {
                    var row = y * width * 3;
                    Array.Copy(pixels, row, shifted, row + (dx * 3), (width - dx) * 3);
                    Array.Copy(pixels, row + ((width - dx) * 3), shifted, row, dx * 3);
                }

                pixels = shifted;
            }

            await stdin.WriteAsync(pixels, cancellationToken);
        }

        stdin.Close();
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed: {await errors}");
        }
    }

    /// <summary>CPU seconds used by this process's finished children (ffmpeg), from getrusage(RUSAGE_CHILDREN); NaN off Linux.</summary>
    private static double ChildCpuSeconds()
    {
        if (!OperatingSystem.IsLinux() || getrusage(-1, out var usage) != 0)
        {
            return double.NaN;
        }

        return usage.UserSeconds + (usage.UserMicroseconds / 1e6) + usage.SystemSeconds + (usage.SystemMicroseconds / 1e6);
    }

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }

    [DllImport("libc")]
    private static extern int getrusage(int who, out RUsage usage);

    /// <summary>The first fields of struct rusage on 64-bit Linux (two timevals), padded to its 144 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 144)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
    }
}
