using Retrieval.Models.Geometry;

namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>
/// Reads ICDAR2015 word ground truth: files <c>gt_img_N.txt</c>, one word per line
/// <c>x1,y1,x2,y2,x3,y3,x4,y4,transcription</c>. The transcription is everything after the eighth
/// comma (it may hold commas); <c>###</c> marks an illegible word.
/// </summary>
public static class IcdarGroundTruth
{
    private const string FilePrefix = "gt_";

    public static IReadOnlyList<AnnotatedWord> ReadFile(string path)
    {
        var words = new List<AnnotatedWord>();
        foreach (var (number, line) in TextLines.Read(path))
        {
            var fields = line.Split(',', 9);
            if (fields.Length < 9)
            {
                throw DatasetFormatException.AtLine(path, number, $"expected 'x1,y1,x2,y2,x3,y3,x4,y4,transcription', found {fields.Length} field(s).");
            }

            var points = new PointF[4];
            for (var i = 0; i < 4; i++)
            {
                if (!TextLines.TryParseCoordinate(fields[2 * i], out var x) || !TextLines.TryParseCoordinate(fields[(2 * i) + 1], out var y))
                {
                    throw DatasetFormatException.AtLine(path, number, $"corner {i + 1} is not a pair of numbers: '{fields[2 * i]},{fields[(2 * i) + 1]}'.");
                }

                points[i] = new PointF(x, y);
            }

            words.Add(new AnnotatedWord(fields[8], points));
        }

        return words;
    }

    /// <summary>
    /// Every <c>gt_*.txt</c> file of <paramref name="directory"/>; an image's name is the file name
    /// without the <c>gt_</c> prefix and the extension (<c>gt_img_7.txt</c> names <c>img_7</c>).
    /// </summary>
    public static IReadOnlyList<AnnotatedImage> ReadDirectory(string directory, CancellationToken cancellationToken)
    {
        var full = RequireDirectory(directory, "--gt");
        var files = Directory.EnumerateFiles(full, FilePrefix + "*.txt")
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new DatasetFormatException($"--gt {full}: no gt_*.txt files; pass the folder of ICDAR2015 ground-truth files (gt_img_N.txt).");
        }

        var images = new List<AnnotatedImage>(files.Count);
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileNameWithoutExtension(file)[FilePrefix.Length..];
            images.Add(new AnnotatedImage(name, ReadFile(file)));
        }

        return images;
    }

    internal static string RequireDirectory(string? directory, string optionName)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new DatasetFormatException($"{optionName} is required.");
        }

        var full = Path.GetFullPath(directory);
        return Directory.Exists(full) ? full : throw new DatasetFormatException($"{optionName} {full}: folder not found.");
    }
}
