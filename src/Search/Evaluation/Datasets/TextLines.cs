using System.Text;

namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>
/// Reads a ground-truth text file as numbered lines: UTF-8 with or without a byte-order mark, any
/// mix of CRLF, LF and CR line endings. Blank lines are left out but keep their numbers counted.
/// </summary>
internal static class TextLines
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IEnumerable<(int Number, string Text)> Read(string path)
    {
        string content;
        try
        {
            var bytes = File.ReadAllBytes(path);
            var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
            content = StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (FileNotFoundException)
        {
            throw new DatasetFormatException($"{path}: file not found.");
        }
        catch (DecoderFallbackException e)
        {
            throw new DatasetFormatException($"{path}: not valid UTF-8 ({e.Message}); convert the file to UTF-8.", e);
        }

        var number = 0;
        using var reader = new StringReader(content);
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return (number, line);
            }
        }
    }

    /// <summary>Parses a coordinate field: an integer or decimal number with optional sign and surrounding spaces.</summary>
    public static bool TryParseCoordinate(string field, out float value) =>
        float.TryParse(field, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value)
        && float.IsFinite(value)
        && !field.Contains('e', StringComparison.OrdinalIgnoreCase);
}
