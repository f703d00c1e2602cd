using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Retrieval.Models.Geometry;

namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>
/// The official Total-Text text format, one word per record:
/// <c>x: [[115 503 494 115]], y: [[322 346 426 404]], ornt: [u'm'], transcriptions: [u'nauGhty']</c>.
/// The arrays were printed by numpy, which wraps long ones, so a record continues on every following
/// line that does not start with <c>x:</c>. The transcription is a Python string literal (<c>u'...'</c>
/// or <c>u"..."</c> when it holds an apostrophe); <c>#</c> as transcription or orientation marks an
/// illegible word.
/// </summary>
internal static partial class OfficialGroundTruthParser
{
    public static IReadOnlyList<AnnotatedWord> Parse(string path, IReadOnlyList<(int Number, string Text)> lines)
    {
        var words = new List<AnnotatedWord>();
        var record = new StringBuilder();
        var recordLine = 0;
        foreach (var (number, text) in lines)
        {
            var trimmed = text.Trim();
            if (trimmed.StartsWith("x:", StringComparison.Ordinal))
            {
                if (record.Length > 0)
                {
                    words.Add(ParseRecord(path, recordLine, record.ToString()));
                }

                record.Clear().Append(trimmed);
                recordLine = number;
            }
            else if (record.Length > 0)
            {
                record.Append(' ').Append(trimmed);
            }
            else
            {
                throw DatasetFormatException.AtLine(path, number, "expected a record starting with 'x: [['.");
            }
        }

        if (record.Length > 0)
        {
            words.Add(ParseRecord(path, recordLine, record.ToString()));
        }

        return words;
    }

    private static AnnotatedWord ParseRecord(string path, int line, string record)
    {
        var match = RecordPattern().Match(record);
        if (!match.Success)
        {
            throw DatasetFormatException.AtLine(path, line, "expected 'x: [[...]], y: [[...]], ornt: [u'.'], transcriptions: [u'...']'.");
        }

        var xs = Numbers(path, line, match.Groups["x"].Value);
        var ys = Numbers(path, line, match.Groups["y"].Value);
        if (xs.Count != ys.Count || xs.Count < 3)
        {
            throw DatasetFormatException.AtLine(path, line, $"a polygon needs as many y as x values and at least 3 points; found {xs.Count} x and {ys.Count} y.");
        }

        var transcription = PythonString(path, line, match.Groups["t"].Value.Trim());
        var orientation = match.Groups["o"].Value.Trim();
        var illegible = transcription == "#" || orientation is "u'#'" or "'#'";
        var points = xs.Select((x, i) => new PointF(x, ys[i])).ToList();
        return new AnnotatedWord(illegible ? AnnotatedWord.IllegibleMark : transcription, points);
    }

    private static List<float> Numbers(string path, int line, string text)
    {
        var values = new List<float>();
        foreach (var token in text.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw DatasetFormatException.AtLine(path, line, $"'{token}' is not a coordinate.");
            }

            values.Add(value);
        }

        return values;
    }

    /// <summary>Decodes a Python 2 string literal: optional <c>u</c> prefix, single or double quotes, backslash escapes.</summary>
    private static string PythonString(string path, int line, string literal)
    {
        var body = literal.StartsWith('u') || literal.StartsWith('U') ? literal[1..] : literal;
        if (body.Length < 2 || (body[0] != '\'' && body[0] != '"') || body[^1] != body[0])
        {
            throw DatasetFormatException.AtLine(path, line, $"transcription {literal} is not a quoted string.");
        }

        body = body[1..^1];
        var sb = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\' || i + 1 == body.Length)
            {
                sb.Append(body[i]);
                continue;
            }

            var c = body[++i];
            switch (c)
            {
                case 'x' when i + 2 < body.Length && int.TryParse(body.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    i += 2;
                    break;
                case 'u' when i + 4 < body.Length && int.TryParse(body.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                case 'n':
                    sb.Append('\n');
                    break;
                case 't':
                    sb.Append('\t');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"^x:\s*\[\[(?<x>[^\]]*)\]\]\s*,\s*y:\s*\[\[(?<y>[^\]]*)\]\]\s*,\s*ornt:\s*\[(?<o>[^\]]*)\]\s*,\s*transcriptions:\s*\[(?<t>.*)\]\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex RecordPattern();
}
