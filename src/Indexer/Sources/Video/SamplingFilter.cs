using System.Globalization;

namespace Retrieval.Indexer.Sources.Video;

/// <summary>
/// Builds the ffmpeg filter chain that picks and prepares the frames to read:
/// <list type="number">
/// <item><c>select</c> keeps the first frame; any frame <see cref="VideoOptions.MaxInterval"/> after
/// the last kept one; and a keyframe or scene change (score above <see cref="VideoOptions.SceneThreshold"/>)
/// once <see cref="VideoOptions.MinGap"/> has passed. A keyframe or scene change seen within the gap
/// is remembered (expression variable 0) and taken at the first frame after the gap, so a cut is
/// never missed by more than the gap, and no two kept frames are closer than it.</item>
/// <item><c>scale</c> applies the sample aspect ratio and shrinks (never enlarges) so neither side
/// exceeds <see cref="VideoOptions.MaxSide"/>; ffmpeg has already applied the stream's rotation.</item>
/// <item><c>format=rgb24</c>, then <c>settb</c> to microseconds so <c>showinfo</c>'s integer pts is
/// the exact presentation time, and <c>showinfo</c>, which logs each frame's time and size on
/// stderr before the frame's bytes are written to stdout.</item>
/// </list>
/// Only selected frames are scaled and converted; every frame is decoded (the scene score needs them).
/// </summary>
public static class SamplingFilter
{
    public static string Build(VideoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A millisecond of slack: frame times are sums of floating-point steps (0.2 + 0.2 + ...).
        var interval = Seconds(options.MaxInterval - TimeSpan.FromMilliseconds(1));
        var gap = Seconds(options.MinGap - TimeSpan.FromMilliseconds(1));
        var scene = options.SceneThreshold.ToString("0.####", CultureInfo.InvariantCulture);
        var max = options.MaxSide.ToString(CultureInfo.InvariantCulture);

        // Variables: 0 = an event is pending, 1 = this frame is an event, 2 = time since the last kept frame, 3 = keep.
        var select =
            $"st(1,eq(pict_type,I)+gt(scene,{scene}));" +
            "st(0,max(ld(0),ld(1)));" +
            "st(2,t-prev_selected_t);" +
            $"st(3,isnan(prev_selected_t)+gte(ld(2),{interval})+gte(ld(2),{gap})*ld(0));" +
            "if(ld(3),st(0,0));" +
            "gt(ld(3),0)";
        var factor = $"min(1,{max}/max(iw*sar,ih))";
        var scale = $"scale=w='max(1,round(iw*sar*{factor}))':h='max(1,round(ih*{factor}))':flags=area";
        return $"select='{select}',{scale},setsar=1,format=rgb24,settb=1/1000000,showinfo";
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture);
}
