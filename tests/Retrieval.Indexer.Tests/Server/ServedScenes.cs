using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Tests.Server;

/// <summary>A rendered test image: where it goes under the root, and each text line with the quad its ink covers.</summary>
internal sealed record SceneFile(string RelativePath, string FullPath, int Width, int Height, IReadOnlyList<(string Text, Quad Box)> Lines);

/// <summary>
/// The small collection the server tests index: signs and labels rendered with libvips in clear
/// fonts on plain backgrounds, so the real detector and recognizer read them reliably. Three show
/// "EXIT" (one in the phrase "EMERGENCY EXIT"), one each shows "COFFEE", "BREAD" and "SOUP".
/// </summary>
internal static class ServedScenes
{
    private const string Big = "DejaVu Sans Bold 56";
    private const string Medium = "DejaVu Sans Bold 40";
    private const string Small = "DejaVu Sans 32";

    public static IReadOnlyList<(string Path, SceneSpec Scene)> All { get; } =
    [
        ("signs/exit.png", new SceneSpec(640, 360, [new TextItem("EXIT", 200, 80, Big), new TextItem("Stairs to level 2", 120, 220, Small)])),
        ("signs/emergency.png", new SceneSpec(720, 300, [new TextItem("EMERGENCY EXIT", 60, 110, Medium)])),
        ("shop/coffee.png", new SceneSpec(640, 400, [new TextItem("COFFEE SHOP", 100, 90, Medium), new TextItem("OPEN DAILY", 150, 240, Small)])),
        ("shop/bakery.jpg", new SceneSpec(640, 400, [new TextItem("FRESH BREAD", 110, 100, Medium), new TextItem("BAKERY", 210, 240, Medium)], SceneBackground.Gradient)),
        ("parking.png", new SceneSpec(640, 360, [new TextItem("PARKING", 170, 70, Big), new TextItem("NO EXIT", 220, 230, Medium, R: 160, G: 20, B: 20)])),
        ("notes/menu.png", new SceneSpec(600, 360, [new TextItem("Soup of the day", 90, 90, Medium), new TextItem("Tomato basil", 130, 220, Small)])),
    ];

    /// <summary>Renders every scene under <paramref name="root"/>.</summary>
    public static IReadOnlyList<SceneFile> Render(string root)
    {
        var files = new List<SceneFile>();
        foreach (var (relative, scene) in All)
        {
            var path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var rendered = TextRenderer.RenderWithBoxes(scene);
            ImageEncoder.Save(rendered.Image, path);
            var lines = scene.Items.Select((item, i) => (item.Text, rendered.TextBoxes[i])).ToList();
            files.Add(new SceneFile(relative, path, scene.Width, scene.Height, lines));
        }

        return files;
    }
}
