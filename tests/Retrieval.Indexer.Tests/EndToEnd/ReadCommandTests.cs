using System.Text.Json;
using Retrieval.Models.Geometry;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>Rendered images for the <c>retrieval read</c> tests, made once.</summary>
public sealed class ReadImages : IDisposable
{
    private readonly TempFolder folder = new("retrieval-read-");

    public ReadImages()
    {
        Harbor = folder.Combine("harbor.png");
        HarborQuad = WordImages.Save(Harbor, "HARBOR");
        Phrase = folder.Combine("golden gate.jpg");
        PhraseQuad = WordImages.Save(Phrase, "GOLDEN GATE");
        Folder = folder.Folder("more");
        WordImages.Save(Path.Combine(Folder, "b-meadow.png"), "MEADOW");
        WordImages.Save(Path.Combine(folder.Folder("more", "deeper"), "a-copper.png"), "COPPER");
        File.WriteAllText(Path.Combine(Folder, "notes.txt"), "not an image, not read");
        Corrupt = folder.Combine("corrupt.jpg");
        WordImages.SaveCorrupt(Corrupt);
        Missing = folder.Combine("no such image.png");
    }

    public string Harbor { get; }

    public Quad HarborQuad { get; }

    public string Phrase { get; }

    public Quad PhraseQuad { get; }

    public string Folder { get; }

    public string Corrupt { get; }

    public string Missing { get; }

    public void Dispose() => folder.Dispose();
}

public sealed class ReadCommandTests(ReadImages images, ITestOutputHelper output) : IClassFixture<ReadImages>
{
    [Fact]
    public async Task Read_prints_every_line_and_its_words_with_confidences_and_boxes()
    {
        var result = await CliProcess.RunAsync(["read", images.Harbor, images.Phrase, "--device", "Cpu"]);
        output.WriteLine(result.ToString());

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stderr.Should().BeEmpty("--device Cpu needs no fallback and nothing failed");
        var lines = result.Stdout.Split('\n');
        lines.Should().Contain(l => l.StartsWith(images.Harbor, StringComparison.Ordinal) && l.Contains("(480x240, 1 lines)", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains("HARBOR", StringComparison.Ordinal));
        var phraseLine = lines.Single(l => l.Contains("GOLDEN GATE", StringComparison.Ordinal));
        phraseLine.Should().MatchRegex(@"^\s+\d\.\d\d\s+GOLDEN GATE\s+(\d+,\d+ ){3}\d+,\d+$", "a line shows its confidence, text and four corners");
        lines.Should().Contain(l => l.Contains("  GOLDEN  ", StringComparison.Ordinal), "the words of a line of several words follow it");
        lines.Should().Contain(l => l.Contains("  GATE  ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Read_json_has_the_documented_shape_with_clockwise_quads_from_the_top_left()
    {
        var result = await CliProcess.RunAsync(["read", "--json", images.Phrase]);

        result.ExitCode.Should().Be(0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var image = json.RootElement.EnumerateArray().Single();
        Names(image).Should().Equal("path", "width", "height", "orientationApplied", "error", "lines");
        image.GetProperty("path").GetString().Should().Be(images.Phrase);
        image.GetProperty("width").GetInt32().Should().Be(WordImages.Width);
        image.GetProperty("height").GetInt32().Should().Be(WordImages.Height);
        image.GetProperty("orientationApplied").GetBoolean().Should().BeFalse("the file has no EXIF orientation to apply");
        image.GetProperty("error").ValueKind.Should().Be(JsonValueKind.Null);

        var line = image.GetProperty("lines").EnumerateArray().Single();
        Names(line).Should().Equal("quad", "text", "confidence", "words");
        line.GetProperty("text").GetString().Should().Be("GOLDEN GATE");
        line.GetProperty("confidence").GetSingle().Should().BeInRange(0.8f, 1f);
        var lineQuad = QuadOf(line);
        AssertClockwiseFromTopLeft(lineQuad);
        WordImages.Overlap(lineQuad, images.PhraseQuad).Should().BeGreaterThan(0.7, "the line box is where the text was drawn");

        var words = line.GetProperty("words").EnumerateArray().ToList();
        words.Select(w => w.GetProperty("text").GetString()).Should().Equal("GOLDEN", "GATE");
        foreach (var word in words)
        {
            Names(word).Should().Equal("quad", "text", "confidence");
            word.GetProperty("confidence").GetSingle().Should().BeInRange(0.8f, 1f);
            AssertClockwiseFromTopLeft(QuadOf(word));
            WordImages.Overlap(QuadOf(word), lineQuad).Should().BeGreaterThan(0.9, "a word lies inside its line");
        }

        QuadOf(words[0]).MaxX.Should().BeLessThan(QuadOf(words[1]).MinX + 5, "words are in reading order");
    }

    [Fact]
    public async Task Read_reports_a_corrupt_file_and_a_missing_path_in_input_order_reads_the_rest_and_exits_1()
    {
        var result = await CliProcess.RunAsync(["read", "--json", images.Harbor, images.Corrupt, images.Folder, images.Missing]);
        output.WriteLine(result.ToString());

        result.ExitCode.Should().Be(1, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var entries = json.RootElement.EnumerateArray().ToList();
        entries.Select(e => e.GetProperty("path").GetString()).Should().Equal(
            [images.Harbor, images.Corrupt, Path.Combine(images.Folder, "b-meadow.png"), Path.Combine(images.Folder, "deeper", "a-copper.png"), images.Missing],
            "one entry per input in input order; a folder contributes its images (recursively, ordinal path order), not other files");
        entries.Select(TextOf).Should().Equal("HARBOR", string.Empty, "MEADOW", "COPPER", string.Empty);

        var corrupt = entries[1].GetProperty("error").GetString();
        corrupt.Should().Contain(images.Corrupt).And.Contain("not an image format");
        entries[1].GetProperty("lines").GetArrayLength().Should().Be(0);
        entries[4].GetProperty("error").GetString().Should().Contain("no such file or folder");
        result.Stderr.Should().Contain("2 of 5 inputs could not be read").And.Contain(images.Corrupt).And.Contain(images.Missing);
        result.Stderr.Should().NotContain("Unhandled").And.NotContain("   at ");
    }

    [Fact]
    public async Task Read_in_text_mode_names_the_failed_inputs_on_stdout_too()
    {
        var result = await CliProcess.RunAsync(["read", images.Corrupt, images.Missing, images.Harbor]);

        result.ExitCode.Should().Be(1, result.ToString());
        var lines = result.Stdout.Split('\n');
        lines[0].Should().StartWith($"{images.Corrupt}: error:");
        lines[1].Should().StartWith($"{images.Missing}: error:").And.Contain("no such file or folder");
        lines[2].Should().StartWith(images.Harbor);
    }

    [Fact]
    public async Task Auto_device_without_a_GPU_falls_back_to_the_CPU_with_a_warning_that_names_the_reason()
    {
        if (File.Exists("/dev/nvidiactl"))
        {
            output.WriteLine("Skipped: this machine has an NVIDIA GPU, so Auto may really use CUDA.");
            return;
        }

        var result = await CliProcess.RunAsync(["read", images.Harbor, "--device", "Auto"]);
        output.WriteLine(result.ToString());

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("HARBOR", "the CPU fallback still reads the image");
        result.Stdout.Should().NotContain("CUDA", "warnings go to stderr, so stdout stays clean for results");
        var warnings = result.Stderr.Split('\n').Where(l => l.Contains("CUDA is not available", StringComparison.Ordinal)).ToList();
        warnings.Should().Contain(w => w.Contains("for ch_PP-OCRv4_det_infer.onnx", StringComparison.Ordinal), "each model says where it runs");
        warnings.Should().Contain(w => w.Contains("for ch_PP-OCRv4_rec_infer.onnx", StringComparison.Ordinal));
        warnings.Should().AllSatisfy(w =>
        {
            w.Should().StartWith("warn:", "the fallback is logged at Warning level");
            w.Should().MatchRegex("running on the CPU instead: .{10,}", "the warning names the reason CUDA could not be used");
        });
    }

    [Fact]
    public async Task Cuda_device_without_a_GPU_fails_with_the_fix_and_no_stack_trace()
    {
        if (File.Exists("/dev/nvidiactl"))
        {
            output.WriteLine("Skipped: this machine has an NVIDIA GPU.");
            return;
        }

        var result = await CliProcess.RunAsync(["read", images.Harbor, "--device", "Cuda"]);

        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().StartWith("retrieval read: The CUDA execution provider could not be loaded").And.Contain("--device Cpu");
        result.Stderr.Should().NotContain("   at ");
    }

    private static string TextOf(JsonElement image) => string.Join(' ', image.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("text").GetString()));

    private static List<string> Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToList();

    private static Quad QuadOf(JsonElement element)
    {
        var points = element.GetProperty("quad").EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        points.Should().HaveCount(4).And.OnlyContain(p => p.Length == 2);
        return WordImages.FromJson(points);
    }

    /// <summary>Upright text: the first corner is the top-left and the corners go clockwise (y points down).</summary>
    private static void AssertClockwiseFromTopLeft(Quad q)
    {
        q.TopLeft.X.Should().BeLessThan(q.TopRight.X);
        q.BottomLeft.X.Should().BeLessThan(q.BottomRight.X);
        q.TopLeft.Y.Should().BeLessThan(q.BottomLeft.Y);
        q.TopRight.Y.Should().BeLessThan(q.BottomRight.Y);
        var signedArea = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var (a, b) = (q[i], q[(i + 1) % 4]);
            signedArea += (a.X * b.Y) - (b.X * a.Y);
        }

        signedArea.Should().BePositive("clockwise on screen, where y grows downwards");
    }
}
