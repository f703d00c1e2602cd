using System.Globalization;
using System.Text;
using Retrieval.Models.Geometry;

namespace Retrieval.Search.Evaluation.Detection;

/// <summary>One ground-truth word: its quad (corners in file order), transcription, and whether it is "do not care" (###).</summary>
public sealed record GroundTruthWord(Quad Quad, string Transcription, bool IsDontCare);

/// <summary>A ground-truth file that does not follow the ICDAR2015 format; the message names the file and line.</summary>
public sealed class GroundTruthFormatException(string message) : Exception(message);

/// <summary>
/// Reads ICDAR2015 Incidental Scene Text localisation files (<c>gt_img_N.txt</c>): one word per line,
/// <c>x1,y1,x2,y2,x3,y3,x4,y4,transcription</c>, corners clockwise from the top-left, the transcription
/// is everything after the eighth comma (it may contain commas), <c>###</c> marks an illegible word
/// that evaluation ignores. UTF-8 with or without a BOM; any line ending.
/// </summary>
public static class IcdarGroundTruth
{
    public const string DontCareMarker = "###";

    public static IReadOnlyList<GroundTruthWord> ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GroundTruthFormatException($"{path}: cannot read the ground truth: {e.Message}");
        }

        return Parse(text, path);
    }

    /// <summary>Parses the text of one file; <paramref name="name"/> names it in errors.</summary>
    public static IReadOnlyList<GroundTruthWord> Parse(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<GroundTruthWord>();
        var lines = text.TrimStart('\uFEFF').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r').TrimStart('\uFEFF');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            words.Add(ParseLine(line, name, i + 1));
        }

        return words;
    }

    private static GroundTruthWord ParseLine(string line, string name, int number)
    {
        Span<float> v = stackalloc float[8];
        var rest = line.AsSpan();
        for (var k = 0; k < 8; k++)
        {
            var comma = rest.IndexOf(',');
            if (comma < 0)
            {
                throw new GroundTruthFormatException($"{name}:{number}: expected 8 comma-separated coordinates and a transcription, found {k} coordinates in '{line}'.");
            }

            if (!float.TryParse(rest[..comma].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v[k]))
            {
                throw new GroundTruthFormatException($"{name}:{number}: coordinate {k + 1} '{rest[..comma].ToString()}' is not a number.");
            }

            rest = rest[(comma + 1)..];
        }

        var transcription = rest.ToString();
        var quad = new Quad(new PointF(v[0], v[1]), new PointF(v[2], v[3]), new PointF(v[4], v[5]), new PointF(v[6], v[7]));
        return new GroundTruthWord(quad, transcription, transcription == DontCareMarker);
    }
}
