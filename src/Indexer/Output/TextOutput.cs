using System.Globalization;

namespace Retrieval.Indexer.Output;

/// <summary>The human-readable form of <c>retrieval read</c>.</summary>
internal static class TextOutput
{
    public static void Write(TextWriter writer, ReadImageJson image)
    {
        if (image.Error is not null)
        {
            writer.WriteLine($"{image.Path}: error: {image.Error}");
            return;
        }

        writer.WriteLine($"{image.Path} ({image.Width}x{image.Height}, {image.Lines.Count} lines)");
        foreach (var line in image.Lines)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {line.Confidence:0.00}  {line.Text}    {Quad(line.Quad)}"));
            if (line.Words.Count > 1)
            {
                foreach (var word in line.Words)
                {
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"        {word.Confidence:0.00}  {word.Text}    {Quad(word.Quad)}"));
                }
            }
        }
    }

    private static string Quad(float[][] q) =>
        string.Join(' ', q.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p[0]:0},{p[1]:0}")));
}
