using Retrieval.Models.Imaging;

namespace Retrieval.Indexer.Demo;

/// <summary>
/// The bundled default collection: pictures the project renders itself (signs, labels, plates on
/// plain, gradient and noisy backgrounds, some text rotated), so the demo needs no third-party photos.
/// Deterministic: the same files every time.
/// </summary>
public static class SampleCollection
{
    private static readonly string[] Fonts = ["DejaVu Sans Bold", "DejaVu Serif", "DejaVu Sans Mono Bold", "DejaVu Sans Condensed", "DejaVu Serif Bold Italic"];

    /// <summary>Each sample: file name and the text lines on it.</summary>
    public static IReadOnlyList<(string Name, string[] Lines)> Samples { get; } =
    [
        ("cafe-sign", ["FRESH COFFEE", "open daily 7-19"]),
        ("exit", ["EXIT"]),
        ("emergency-exit", ["EMERGENCY EXIT", "keep clear"]),
        ("hotel", ["GRAND HOTEL AND SPA"]),
        ("hotel-parking", ["HOTEL PARKING", "guests only"]),
        ("book-cover", ["The Art of", "Scene Text", "Retrieval"]),
        ("sale", ["SALE 50% OFF", "everything must go"]),
        ("plate", ["RE16 TGK"]),
        ("plate-2", ["B 482 XKL"]),
        ("bakery", ["Bakery", "bread and cakes"]),
        ("pharmacy", ["PHARMACY", "24 hours"]),
        ("station", ["Central Station", "Platform 4"]),
        ("coffee-cup", ["coffee to go"]),
        ("library", ["PUBLIC LIBRARY", "quiet please"]),
        ("market", ["Farmers Market", "Saturday"]),
        ("museum", ["MUSEUM OF MODERN ART"]),
        ("no-text", []),
        ("street", ["Main Street", "One Way"]),
    ];

    /// <summary>Writes the samples as JPEG files into <paramref name="folder"/> (created if needed); returns their paths.</summary>
    public static IReadOnlyList<string> Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        for (var i = 0; i < Samples.Count; i++)
        {
            var (name, lines) = Samples[i];
            var path = Path.Combine(folder, name + ".jpg");
            if (!File.Exists(path))
            {
                ImageEncoder.Save(Render(i, lines), path);
            }

            paths.Add(path);
        }

        return paths;
    }

    private static RgbImage Render(int index, string[] lines)
    {
        var width = 640;
        var height = 420;
        var items = new List<TextItem>();
        var y = 60 + (index % 3 * 20);
        for (var l = 0; l < lines.Length; l++)
        {
            var size = l == 0 ? 44 : 30;
            var angle = index % 5 == 3 ? -8.0 : 0.0;
            var font = $"{Fonts[(index + l) % Fonts.Length]} {size}";
            items.Add(new TextItem(lines[l], 40 + (index * 7 % 60), y, font, angle, (byte)(20 + (index * 40 % 120)), 20, (byte)(60 + (index * 30 % 100))));
            y += size * 2;
        }

        var background = (SceneBackground)(index % 3);
        return TextRenderer.Render(new SceneSpec(width, height, items, background, Seed: index + 1, BackgroundR: 240, BackgroundG: (byte)(225 + (index % 4 * 7)), BackgroundB: 210));
    }
}
