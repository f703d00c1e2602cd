using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Tests.Video;

/// <summary>
/// The videos several tests read, made once: a 30 s timeline (WELCOME, "FRAME TEN" from 10 s to
/// 14 s, INTERLUDE, "EXIT" from 20 s) and a static 60 s slide, 320x240 at 5 fps with a keyframe
/// every 10 s.
/// </summary>
public sealed class VideoFixture : IAsyncLifetime, IDisposable
{
    public const int Width = 320;
    public const int Height = 240;
    public const double Fps = 5;

    private readonly TempFolder folder = new();

    public VideoFixture()
    {
        Welcome = TestVideos.Slide(Width, Height, "WELCOME");
        FrameTen = TestVideos.Slide(Width, Height, "FRAME TEN", 30, 120);
        Interlude = TestVideos.Slide(Width, Height, "INTERLUDE", 40, 150);
        Exit = TestVideos.Slide(Width, Height, "EXIT", 100, 90, "DejaVu Sans Bold 40");
        Static = TestVideos.Slide(Width, Height, "STATIC SLIDE", 20, 100);
    }

    public RgbImage Welcome { get; }

    public RgbImage FrameTen { get; }

    public RgbImage Interlude { get; }

    public RgbImage Exit { get; }

    public RgbImage Static { get; }

    /// <summary>Welcome, FrameTen, Interlude, Exit: the pictures of the timeline in order.</summary>
    public IReadOnlyList<RgbImage> TimelinePictures => [Welcome, FrameTen, Interlude, Exit];

    public string Timeline { get; private set; } = string.Empty;

    public string StaticSlide { get; private set; } = string.Empty;

    public string Folder => folder.Path;

    public async Task InitializeAsync()
    {
        Timeline = await TestVideos.EncodeAsync(folder.File("timeline.mp4"), Fps, 30, Segments(), [.. TestVideos.H264, "-movflags", "+faststart"]);
        StaticSlide = await TestVideos.EncodeAsync(folder.File("static.mp4"), Fps, 60, [new VideoSegment(0, Static)]);
    }

    /// <summary>The timeline's segments (for re-encoding it in other containers).</summary>
    public IReadOnlyList<VideoSegment> Segments() =>
        [new VideoSegment(0, Welcome), new VideoSegment(10, FrameTen), new VideoSegment(14, Interlude), new VideoSegment(20, Exit)];

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => folder.Dispose();
}
