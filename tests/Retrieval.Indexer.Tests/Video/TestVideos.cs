using System.Diagnostics;
using System.Globalization;
using Retrieval.Indexer.Sources.Video;
using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Tests.Video;

/// <summary>A picture shown from <paramref name="From"/> until the next segment starts (or the video ends).</summary>
public sealed record VideoSegment(double From, RgbImage Picture);

/// <summary>
/// Builds the test videos: pictures rendered with libvips (<see cref="TextRenderer"/>) are piped as
/// raw RGB frames into ffmpeg, which encodes them (no image files in between). Small sizes and low
/// frame rates keep them fast to make and read.
/// </summary>
internal static class TestVideos
{
    /// <summary>x264 with a keyframe every 50 frames (10 s at 5 fps), as the brief's example videos.</summary>
    public static readonly string[] H264 = ["-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p"];

    public static RgbImage Slide(int width, int height, string text, int x = 20, int y = 40, string font = "DejaVu Sans Bold 28", SceneBackground background = SceneBackground.Plain) =>
        TextRenderer.Render(new SceneSpec(width, height, [new TextItem(text, x, y, font)], background));

    /// <summary>Encodes <paramref name="segments"/> at <paramref name="fps"/> for <paramref name="seconds"/> into <paramref name="path"/>.</summary>
    /// <param name="outputArguments">Codec and container options; <see cref="H264"/> when null.</param>
    /// <param name="filter">An optional -vf applied while encoding (e.g. setpts for variable frame rates).</param>
    public static async Task<string> EncodeAsync(string path, double fps, double seconds, IReadOnlyList<VideoSegment> segments, string[]? outputArguments = null, string? filter = null)
    {
        var first = segments[0].Picture;
        var arguments = new List<string>
        {
            "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{first.Width}x{first.Height}",
            "-framerate", fps.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0",
        };
        if (filter is not null)
        {
            arguments.AddRange(["-vf", filter]);
        }

        arguments.AddRange(outputArguments ?? H264);
        arguments.Add(path);
        var frames = (int)Math.Round(seconds * fps);
        await RunAsync(arguments, async stdin =>
        {
            for (var i = 0; i < frames; i++)
            {
                var t = i / fps;
                var picture = segments.Last(s => s.From <= t + 1e-9).Picture;
                await stdin.WriteAsync(picture.Pixels.AsMemory(0, picture.Width * picture.Height * 3));
            }
        });
        return path;
    }

    /// <summary>Runs ffmpeg with <paramref name="arguments"/> (e.g. to make an audio-only file), failing the test if it fails.</summary>
    public static async Task RunAsync(IReadOnlyList<string> arguments, Func<Stream, Task>? feed = null)
    {
        var start = new ProcessStartInfo(FfmpegLocator.Locate())
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        if (feed is not null)
        {
            await feed(process.StandardInput.BaseStream);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync();
        var text = await errors;
        process.ExitCode.Should().Be(0, $"ffmpeg {string.Join(' ', arguments)} failed: {text}");
    }

    /// <summary>Which of <paramref name="pictures"/> a frame shows (nearest fingerprint).</summary>
    public static int Classify(RgbImage frame, IReadOnlyList<RgbImage> pictures)
    {
        var print = FrameFingerprint.Of(frame);
        return Enumerable.Range(0, pictures.Count).MinBy(i => FrameFingerprint.Of(pictures[i]).Distance(print));
    }

    public static async Task<List<VideoFrame>> ReadAllAsync(KeyframeReader reader, string path, TimeSpan start = default, VideoReadStats? stats = null)
    {
        var frames = new List<VideoFrame>();
        await foreach (var frame in reader.ReadAsync(path, start, stats))
        {
            frames.Add(frame);
        }

        return frames;
    }
}

/// <summary>A temporary folder, deleted with the test class.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "retrieval-video-" + Guid.NewGuid().ToString("N")[..12]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
