using System.Globalization;
using System.Text.RegularExpressions;

namespace Retrieval.Indexer.Sources.Video;

/// <summary>The severity ffmpeg gave a log line (with <c>-loglevel level+...</c>).</summary>
public enum FfmpegLevel
{
    Unknown = 0,
    Trace,
    Debug,
    Verbose,
    Info,
    Warning,
    Error,
    Fatal,
    Panic,
}

/// <summary>One line of ffmpeg's stderr, split into the component that logged it, its level and its text.</summary>
public readonly record struct FfmpegLogLine(string? Component, FfmpegLevel Level, string Text)
{
    public bool IsError => Level >= FfmpegLevel.Error;
}

/// <summary>What the <c>showinfo</c> filter logs for one frame that reaches the output pipe.</summary>
/// <param name="Index">The frame's number in the output (0, 1, ...).</param>
/// <param name="Pts">Presentation time in the filter's time base (microseconds: the read filter chain ends in <c>settb=1/1000000</c>).</param>
public readonly record struct ShowinfoFrame(int Index, long Pts, int Width, int Height, bool IsKeyframe);

/// <summary>
/// Parses ffmpeg's stderr as run with <c>-loglevel level+verbose</c>: every line carries
/// <c>[component @ 0x...] [level] text</c> (component optional). The formats checked are those of
/// ffmpeg 4.1 (the static build in the cache) and 5.1 (Debian 12).
/// </summary>
public static partial class FfmpegLog
{
    public static FfmpegLogLine Parse(string line)
    {
        var m = LinePattern().Match(line);
        if (!m.Success)
        {
            // A continuation of the previous message (ffmpeg prints some hints on their own line).
            return new FfmpegLogLine(null, FfmpegLevel.Unknown, line);
        }

        var level = m.Groups["level"].Value switch
        {
            "trace" => FfmpegLevel.Trace,
            "debug" => FfmpegLevel.Debug,
            "verbose" => FfmpegLevel.Verbose,
            "info" => FfmpegLevel.Info,
            "warning" => FfmpegLevel.Warning,
            "error" => FfmpegLevel.Error,
            "fatal" => FfmpegLevel.Fatal,
            "panic" => FfmpegLevel.Panic,
            _ => FfmpegLevel.Unknown,
        };
        return new FfmpegLogLine(m.Groups["component"].Success ? m.Groups["component"].Value : null, level, m.Groups["text"].Value);
    }

    /// <summary>Reads a showinfo frame line (<c>n:   3 pts:3000000 pts_time:3 ... s:320x240 ... iskey:1 ...</c>).</summary>
    public static bool TryParseShowinfo(FfmpegLogLine line, out ShowinfoFrame frame)
    {
        frame = default;
        if (line.Component is null || !line.Component.StartsWith("Parsed_showinfo_", StringComparison.Ordinal))
        {
            return false;
        }

        var m = ShowinfoPattern().Match(line.Text);
        if (!m.Success)
        {
            return false;
        }

        frame = new ShowinfoFrame(
            int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture),
            long.Parse(m.Groups["pts"].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture),
            m.Groups["key"].Value == "1");
        return true;
    }

    /// <summary>ffmpeg's closing statistics line "Input stream #0:0 (video): 150 packets read (...); 150 frames decoded;" (verbose).</summary>
    public static bool TryParseDecodedFrames(FfmpegLogLine line, out long frames)
    {
        frames = 0;
        var m = DecodedPattern().Match(line.Text);
        return m.Success && long.TryParse(m.Groups["frames"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out frames);
    }

    [GeneratedRegex(@"^(?:\[(?<component>[^\]@]+?) @ (?:0x)?[0-9a-fA-F]+\] )?\[(?<level>quiet|panic|fatal|error|warning|info|verbose|debug|trace)\] ?(?<text>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"^n:\s*(?<n>\d+)\s+pts:\s*(?<pts>-?\d+)\s.*?\ss:(?<w>\d+)x(?<h>\d+)\s.*?iskey:(?<key>[01])", RegexOptions.CultureInvariant)]
    private static partial Regex ShowinfoPattern();

    [GeneratedRegex(@"^\s*Input stream #\d+:\d+ \(video\): \d+ packets read \([^)]*\); (?<frames>\d+) frames decoded", RegexOptions.CultureInvariant)]
    private static partial Regex DecodedPattern();
}
