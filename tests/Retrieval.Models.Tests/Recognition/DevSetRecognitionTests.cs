using System.Globalization;
using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Recognition;

/// <summary>Real photos: ICDAR2015 ground-truth quads read by the recognizer (detection left out).</summary>
public sealed class DevSetRecognitionTests(RecognizerFixture fixture) : IClassFixture<RecognizerFixture>
{
    [DevDataFact]
    public void Most_legible_ground_truth_words_of_a_few_photos_are_read_exactly()
    {
        var decode = new ImageDecodeOptions { ApplyOrientation = false, MaxSide = 0 };
        int total = 0, correct = 0;
        var misses = new List<string>();
        for (var n = 1; n <= 40; n++)
        {
            var words = ReadGroundTruth(Path.Combine(DevData.Directory!, "gt", $"gt_img_{n}.txt")).Where(w => w.Text != "###").ToList();
            if (words.Count == 0)
            {
                continue;
            }

            var image = ImageDecoder.Decode(Path.Combine(DevData.Directory!, "images", $"img_{n}.jpg"), decode).Image;
            var lines = fixture.Recognizer.Recognize(image, [.. words.Select(w => w.Quad)], CancellationToken.None);
            for (var i = 0; i < words.Count; i++)
            {
                total++;
                if (string.Equals(lines[i].Text.Trim(), words[i].Text, StringComparison.OrdinalIgnoreCase))
                {
                    correct++;
                }
                else
                {
                    misses.Add($"{words[i].Text} -> {lines[i].Text}");
                }
            }
        }

        total.Should().BeGreaterThan(100);
        ((double)correct / total).Should().BeGreaterThanOrEqualTo(0.7, $"{correct}/{total} read exactly; misses: {string.Join(", ", misses)}");
    }

    /// <summary>ICDAR2015 lines: eight coordinates, then the transcription (which may hold commas); corners kept in file order.</summary>
    private static List<(Quad Quad, string Text)> ReadGroundTruth(string path)
    {
        var words = new List<(Quad, string)>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var parts = raw.TrimStart('\uFEFF').TrimEnd('\r').Split(',', 9);
            if (parts.Length < 9)
            {
                continue;
            }

            var v = parts[..8].Select(p => float.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            words.Add((new Quad(new PointF(v[0], v[1]), new PointF(v[2], v[3]), new PointF(v[4], v[5]), new PointF(v[6], v[7])), parts[8]));
        }

        return words;
    }
}
