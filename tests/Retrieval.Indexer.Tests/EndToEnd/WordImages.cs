using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>
/// Small rendered test images (480x240, one line of large DejaVu text on a plain background) that
/// the PP-OCRv4 models read reliably and fast, with the quad each text item was drawn in.
/// </summary>
internal static class WordImages
{
    public const int Width = 480;
    public const int Height = 240;

    /// <summary>Distinct words for collections of many images; none contains another.</summary>
    public static readonly string[] Words =
    [
        "HARBOR", "MEADOW", "LANTERN", "COPPER", "VELVET", "FALCON", "GARDEN", "PLANET", "ROCKET", "SUMMIT",
        "TIMBER", "WALNUT", "BRIDGE", "CANYON", "DESERT", "FOREST", "GLACIER", "ISLAND", "JUNGLE", "KETTLE",
        "LEMON", "MARBLE", "NUTMEG", "ORCHID", "PEPPER", "QUARTZ", "RIBBON", "SADDLE", "TULIP", "VIOLIN",
    ];

    /// <summary>Renders <paramref name="text"/> (one line) and saves it; returns the quad the text occupies.</summary>
    public static Quad Save(string path, string text, string font = "DejaVu Sans Bold 44")
    {
        var scene = TextRenderer.RenderWithBoxes(new SceneSpec(Width, Height, [new TextItem(text, 30, 90, font)]));
        ImageEncoder.Save(scene.Image, path);
        return scene.TextBoxes[0];
    }

    /// <summary>A file named like an image that holds something else entirely (a saved error page, say).</summary>
    public static void SaveCorrupt(string path) =>
        File.WriteAllText(path, "<html><body>502 Bad Gateway</body></html>");

    /// <summary>Axis-aligned overlap of two quads over the smaller one's area (1 = one contains the other).</summary>
    public static double Overlap(Quad a, Quad b)
    {
        var w = Math.Min(a.MaxX, b.MaxX) - Math.Max(a.MinX, b.MinX);
        var h = Math.Min(a.MaxY, b.MaxY) - Math.Max(a.MinY, b.MinY);
        if (w <= 0 || h <= 0)
        {
            return 0;
        }

        var smaller = Math.Min((a.MaxX - a.MinX) * (a.MaxY - a.MinY), (b.MaxX - b.MinX) * (b.MaxY - b.MinY));
        return w * h / smaller;
    }

    public static Quad FromJson(float[][] points) =>
        new(new PointF(points[0][0], points[0][1]), new PointF(points[1][0], points[1][1]), new PointF(points[2][0], points[2][1]), new PointF(points[3][0], points[3][1]));
}

/// <summary>A fresh folder under the system temp folder; deleted on dispose, with permissions restored first.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "retrieval-e2e-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Creates a subfolder (and its parents) and returns its full path.</summary>
    public string Folder(params string[] parts) => Directory.CreateDirectory(Combine(parts)).FullName;

    public void Dispose()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                foreach (var dir in Directory.EnumerateDirectories(Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true }).Prepend(Path))
                {
                    File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A mount still busy or a folder a test locked as non-root: left for the OS to clean.
        }
    }
}
