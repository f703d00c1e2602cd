using System.Net;
using Retrieval.Indexer.Server;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>
/// Video frames in results, with synthetic lattices: the real pipeline here indexes images only,
/// so frames are written straight into a store (a rendered image stands in for the frame).
/// </summary>
public sealed class VideoFrameTests : IAsyncLifetime
{
    private readonly TestFolder folder = new();
    private SqliteIndexStore? store;
    private RunningServer? server;
    private long frameId;

    public async Task InitializeAsync()
    {
        var root = folder.Combine("videos");
        var files = ServedScenes.Render(root).Where(f => f.RelativePath == "signs/exit.png").ToList();
        store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = folder.Combine("index") });
        var video = Path.Combine(root, "clips", "lobby.mp4");
        Directory.CreateDirectory(Path.GetDirectoryName(video)!);
        await File.WriteAllBytesAsync(video, [0, 0, 0, 24]);
        var ids = await SyntheticIndex.WriteAsync(store, root, files, _ => ImageKey.ForFrame(video, TimeSpan.FromSeconds(83.4)));
        frameId = ids.Values.Single();
        server = await RunningServer.StartAsync(RunningServer.Options(folder.Combine("index"), folder.Combine("thumbnails")), store);
    }

    [Fact]
    public async Task A_video_frame_result_names_its_video_and_time_with_synthetic_lattices()
    {
        var page = await (await server!.Client.GetAsync("/api/search?q=exit")).ShouldBeJsonAsync<SearchPageJson>();

        var result = page.Results.Should().ContainSingle().Subject;
        result.Id.Should().Be(frameId);
        result.Path.Should().Be("clips/lobby.mp4");
        result.Video.Should().Be(new VideoFrameJson("clips/lobby.mp4", 83.4, 83.4, 85.4));
    }

    [Fact]
    public async Task A_video_frame_has_no_image_file_to_serve_and_says_where_to_look_with_synthetic_lattices()
    {
        await (await server!.Client.GetAsync($"/api/images/{frameId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "frame of the video 'clips/lobby.mp4' at 83.4 s");
        var text = await (await server.Client.GetAsync($"/api/images/{frameId}/text")).ShouldBeJsonAsync<ImageTextJson>();
        text.Video!.Seconds.Should().Be(83.4);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        store?.Dispose();
        folder.Dispose();
    }
}
