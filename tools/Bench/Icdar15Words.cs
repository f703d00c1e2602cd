using System.Globalization;
using Retrieval.Models.Geometry;

namespace Retrieval.Bench;

/// <summary>One ICDAR2015 ground-truth word: its quad as annotated (corner order kept) and transcription.</summary>
internal sealed record Icdar15Word(Quad Quad, string Text)
{
    public bool IsLegible => Text != "###";
}

/// <summary>
/// Minimal reader for ICDAR2015 ground truth (<c>gt/gt_img_N.txt</c>: <c>x1,y1,...,x4,y4,transcription</c>,
/// the transcription may hold commas; optional UTF-8 BOM; any line ending). The corners are kept in
/// the file's order, which runs clockwise from the word's own top-left, so a rotated word's quad
/// still reads along the word.
/// </summary>
internal static class Icdar15Words
{
    /// <summary>(image path, words) for the first <paramref name="limit"/> images by number.</summary>
    public static IEnumerable<(string ImagePath, IReadOnlyList<Icdar15Word> Words)> Load(string dataDirectory, int limit)
    {
        var images = Path.Combine(dataDirectory, "images");
        var gt = Path.Combine(dataDirectory, "gt");
        if (!Directory.Exists(images) || !Directory.Exists(gt))
        {
            throw new DirectoryNotFoundException($"{dataDirectory} should hold images/img_N.jpg and gt/gt_img_N.txt (ICDAR2015 layout).");
        }

        var files = Directory.GetFiles(images, "img_*.jpg")
            .Select(p => (Path: p, Number: int.Parse(Path.GetFileNameWithoutExtension(p)[4..], CultureInfo.InvariantCulture)))
            .OrderBy(f => f.Number)
            .Take(limit);
        foreach (var (path, number) in files)
        {
            var gtPath = Path.Combine(gt, $"gt_img_{number}.txt");
            yield return (path, File.Exists(gtPath) ? Parse(gtPath) : []);
        }
    }

    public static IReadOnlyList<Icdar15Word> Parse(string path)
    {
        var words = new List<Icdar15Word>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.TrimStart('\uFEFF').TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(',', 9);
            if (parts.Length < 9)
            {
                throw new InvalidDataException($"{path}: expected 8 coordinates and a transcription, got '{line}'.");
            }

            var v = new float[8];
            for (var i = 0; i < 8; i++)
            {
                v[i] = float.Parse(parts[i], CultureInfo.InvariantCulture);
            }

            var quad = new Quad(new PointF(v[0], v[1]), new PointF(v[2], v[3]), new PointF(v[4], v[5]), new PointF(v[6], v[7]));
            words.Add(new Icdar15Word(quad, parts[8]));
        }

        return words;
    }
}
