using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Retrieval.Indexer.Sources.Video;

/// <summary>
/// What ffmpeg reports about a video file's first video stream. <see cref="Width"/> and
/// <see cref="Height"/> are the coded size; <see cref="DisplayWidth"/> and <see cref="DisplayHeight"/>
/// the size it is shown at (sample aspect ratio and rotation applied), which frames are scaled from.
/// </summary>
public sealed record VideoInfo(
    string Container,
    string Codec,
    TimeSpan? Duration,
    int Width,
    int Height,
    double SampleAspectRatio,
    int Rotation,
    double? FramesPerSecond)
{
    public int DisplayWidth => Rotation is 90 or 270 ? Height : ScaledWidth;

    public int DisplayHeight => Rotation is 90 or 270 ? ScaledWidth : Height;

    private int ScaledWidth => Math.Max(1, (int)Math.Round(Width * SampleAspectRatio));
}

/// <summary>
/// Reads a video's container, duration, size and rotation with ffmpeg alone (the static ffmpeg build
/// ships no ffprobe): <c>ffmpeg -i FILE</c> prints the input's description and exits. The same
/// description heads every read, so <see cref="KeyframeReader"/> parses it with <see cref="ParseHeader"/>
/// instead of running a second process.
/// </summary>
public static partial class VideoProbe
{
    /// <exception cref="VideoReadException">The file is missing, unreadable or has no video stream.</exception>
    /// <exception cref="FfmpegNotFoundException">No ffmpeg.</exception>
    public static async Task<VideoInfo> ProbeAsync(string path, string? ffmpegPath = null, CancellationToken cancellationToken = default)
    {
        var ffmpeg = FfmpegLocator.Locate(ffmpegPath);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new VideoReadException(full, VideoErrorKind.NotFound, "no such file");
        }

        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-hide_banner", "-nostdin", "-loglevel", "level+info", "-i", full])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {ffmpeg}.");
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            var lines = (await stderr.ConfigureAwait(false)).Split('\n', StringSplitOptions.TrimEntries).Select(FfmpegLog.Parse).ToList();
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return ParseHeader(lines) ?? throw NoVideo(full, lines);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>
    /// The first (non-cover-art) video stream of the input ffmpeg described in <paramref name="lines"/>,
    /// or null when it described none (or no input at all).
    /// </summary>
    public static VideoInfo? ParseHeader(IReadOnlyList<FfmpegLogLine> lines)
    {
        string? container = null;
        TimeSpan? duration = null;
        VideoInfo? video = null;
        var inVideoBlock = false;
        foreach (var line in lines)
        {
            var text = line.Text;
            if (text.StartsWith("Output #", StringComparison.Ordinal) || text.StartsWith("Stream mapping:", StringComparison.Ordinal))
            {
                break;
            }

            if (InputPattern().Match(text) is { Success: true } input)
            {
                container = input.Groups["formats"].Value;
                continue;
            }

            if (DurationPattern().Match(text) is { Success: true } d)
            {
                duration = ParseDuration(d);
                continue;
            }

            if (StreamPattern().Match(text) is { Success: true } stream)
            {
                inVideoBlock = false;
                if (video is null && stream.Groups["type"].Value == "Video" && !text.Contains("(attached pic)", StringComparison.Ordinal))
                {
                    video = ParseVideoStream(container ?? "unknown", duration, stream.Groups["rest"].Value);
                    inVideoBlock = video is not null;
                }

                continue;
            }

            if (inVideoBlock && video is not null && RotationPattern().Match(text) is { Success: true } rotation)
            {
                var degrees = double.Parse(rotation.Groups["degrees"].Value, CultureInfo.InvariantCulture);
                video = video with { Rotation = NormalizeRotation(degrees) };
                inVideoBlock = false;
            }
        }

        return video;
    }

    internal static VideoReadException NoVideo(string path, IReadOnlyList<FfmpegLogLine> lines)
    {
        var errors = ErrorText(lines);
        if (errors.Contains("No such file", StringComparison.Ordinal))
        {
            return new VideoReadException(path, VideoErrorKind.NotFound, errors);
        }

        var sawInput = lines.Any(l => InputPattern().IsMatch(l.Text));
        return sawInput
            ? new VideoReadException(path, VideoErrorKind.NoVideoStream, "ffmpeg found no video stream in it (audio only, or an image format ffmpeg reads as a single still?)")
            : new VideoReadException(path, VideoErrorKind.Unreadable, errors.Length > 0 ? errors : "ffmpeg could not read it");
    }

    /// <summary>The last few error lines, joined; what a failure message quotes.</summary>
    internal static string ErrorText(IEnumerable<FfmpegLogLine> lines, int max = 3)
    {
        var errors = lines.Where(l => l.IsError).Select(l => l.Text.Trim()).Where(t => t.Length > 0).Distinct().ToList();
        return string.Join("; ", errors.Skip(Math.Max(0, errors.Count - max)));
    }

    private static VideoInfo? ParseVideoStream(string container, TimeSpan? duration, string rest)
    {
        var size = SizePattern().Match(rest);
        if (!size.Success)
        {
            return null;
        }

        var codec = rest.Split([' ', ','], 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "unknown";
        var sar = 1.0;
        if (SarPattern().Match(rest) is { Success: true } s)
        {
            var num = double.Parse(s.Groups["num"].Value, CultureInfo.InvariantCulture);
            var den = double.Parse(s.Groups["den"].Value, CultureInfo.InvariantCulture);
            sar = num > 0 && den > 0 ? num / den : 1.0;
        }

        double? fps = null;
        if (FpsPattern().Match(rest) is { Success: true } f)
        {
            fps = double.Parse(f.Groups["value"].Value, CultureInfo.InvariantCulture) * (f.Groups["k"].Success ? 1000 : 1);
        }

        return new VideoInfo(
            container,
            codec,
            duration,
            int.Parse(size.Groups["w"].Value, CultureInfo.InvariantCulture),
            int.Parse(size.Groups["h"].Value, CultureInfo.InvariantCulture),
            sar,
            0,
            fps);
    }

    private static TimeSpan? ParseDuration(Match d)
    {
        if (!d.Groups["h"].Success)
        {
            return null;
        }

        var hours = int.Parse(d.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minutes = int.Parse(d.Groups["m"].Value, CultureInfo.InvariantCulture);
        var seconds = double.Parse(d.Groups["s"].Value, CultureInfo.InvariantCulture);
        return TimeSpan.FromHours(hours) + TimeSpan.FromMinutes(minutes) + TimeSpan.FromSeconds(seconds);
    }

    /// <summary>ffmpeg's display-matrix angle (counter-clockwise) as 0, 90, 180 or 270.</summary>
    private static int NormalizeRotation(double degrees)
    {
        var quarter = (int)Math.Round(degrees / 90.0);
        return ((quarter % 4) + 4) % 4 * 90;
    }

    [GeneratedRegex(@"^Input #\d+, (?<formats>.+?), from '", RegexOptions.CultureInvariant)]
    private static partial Regex InputPattern();

    [GeneratedRegex(@"^\s*Duration: (?:N/A|(?<h>\d+):(?<m>\d{2}):(?<s>\d{2}(?:\.\d+)?))", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^\s*Stream #\d+:\d+\S*: (?<type>Video|Audio|Subtitle|Data|Attachment): (?<rest>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex StreamPattern();

    [GeneratedRegex(@", (?<w>\d{1,6})x(?<h>\d{1,6})(?=[\s,]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"\[SAR (?<num>\d+):(?<den>\d+) DAR", RegexOptions.CultureInvariant)]
    private static partial Regex SarPattern();

    [GeneratedRegex(@", (?<value>\d+(?:\.\d+)?)(?<k>k)? fps", RegexOptions.CultureInvariant)]
    private static partial Regex FpsPattern();

    [GeneratedRegex(@"displaymatrix: rotation of (?<degrees>-?\d+(?:\.\d+)?) degrees", RegexOptions.CultureInvariant)]
    private static partial Regex RotationPattern();
}
