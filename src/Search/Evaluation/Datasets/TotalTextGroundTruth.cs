using Retrieval.Models.Geometry;

namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>
/// Reads Total-Text polygon ground truth in either of its two text formats, chosen per file by content:
/// <list type="bullet">
/// <item>the DB-style polygon format (<c>test_gts/imgN.jpg.txt</c>): <c>x1,y1,...,xn,yn,transcription</c> per line,
/// see <see cref="ParsePolygonLine"/>;</item>
/// <item>the official format (<c>poly_gt_imgN.txt</c>): <c>x: [[...]], y: [[...]], ornt: [u'h'], transcriptions: [u'...']</c>,
/// see <see cref="OfficialGroundTruthParser"/>.</item>
/// </list>
/// <c>###</c> (polygon format) and <c>#</c> (official format) mark illegible words; both become <see cref="AnnotatedWord.IllegibleMark"/>.
/// </summary>
public static class TotalTextGroundTruth
{
    private const string OfficialPrefix = "poly_gt_";

    /// <summary>
    /// Every <c>*.txt</c> file of <paramref name="directory"/>. An image's name is the file name
    /// without <c>.txt</c> and without the official <c>poly_gt_</c> prefix: <c>img1.jpg.txt</c>
    /// names <c>img1.jpg</c>, <c>poly_gt_img1.txt</c> names <c>img1</c> (found by stem).
    /// </summary>
    public static IReadOnlyList<AnnotatedImage> ReadDirectory(string directory, CancellationToken cancellationToken)
    {
        var full = IcdarGroundTruth.RequireDirectory(directory, "--gt");
        var files = Directory.EnumerateFiles(full, "*.txt").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new DatasetFormatException($"--gt {full}: no .txt ground-truth files; pass the folder of Total-Text files (imgN.jpg.txt or poly_gt_imgN.txt).");
        }

        var images = new List<AnnotatedImage>(files.Count);
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileNameWithoutExtension(file);
            if (name.StartsWith(OfficialPrefix, StringComparison.Ordinal))
            {
                name = name[OfficialPrefix.Length..];
            }

            images.Add(new AnnotatedImage(name, ReadFile(file)));
        }

        return images;
    }

    public static IReadOnlyList<AnnotatedWord> ReadFile(string path)
    {
        var lines = TextLines.Read(path).ToList();
        if (lines.Count > 0 && lines[0].Text.TrimStart().StartsWith("x:", StringComparison.Ordinal))
        {
            return OfficialGroundTruthParser.Parse(path, lines);
        }

        return lines.Select(l => ParsePolygonLine(path, l.Number, l.Text)).ToList();
    }

    /// <summary>
    /// Parses <c>x1,y1,...,xn,yn,transcription</c>, where the transcription may hold commas and may
    /// itself be a number. The rule: split on commas and let k be the number of leading fields that
    /// are numbers. A polygon has an even number of coordinates and a transcription is never empty
    /// (an empty one would leave an empty, non-numeric last field), so:
    /// <list type="bullet">
    /// <item>k &lt; all fields: the coordinates are the first k fields if k is even, else the first
    /// k-1 (the odd number starts the transcription: <c>...,12,abc</c> reads "12,abc");</item>
    /// <item>every field is a number: if k is odd the last field is the transcription
    /// (<c>...,1997</c>); if k is even the last two are (<c>...,1,000</c> reads "1,000").</item>
    /// </list>
    /// The polygon needs at least three points; the transcription is kept verbatim.
    /// </summary>
    public static AnnotatedWord ParsePolygonLine(string path, int lineNumber, string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Split(',');
        var numeric = 0;
        var values = new float[fields.Length];
        while (numeric < fields.Length && TextLines.TryParseCoordinate(fields[numeric], out values[numeric]))
        {
            numeric++;
        }

        int coordinates;
        if (numeric < fields.Length)
        {
            coordinates = numeric % 2 == 0 ? numeric : numeric - 1;
        }
        else
        {
            coordinates = numeric % 2 == 1 ? numeric - 1 : numeric - 2;
        }

        if (coordinates < 6)
        {
            throw DatasetFormatException.AtLine(path, lineNumber, $"expected 'x1,y1,...,xn,yn,transcription' with at least 3 points, found {Math.Max(coordinates, 0) / 2} point(s).");
        }

        var points = new PointF[coordinates / 2];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = new PointF(values[2 * i], values[(2 * i) + 1]);
        }

        return new AnnotatedWord(string.Join(',', fields[coordinates..]), points);
    }
}
