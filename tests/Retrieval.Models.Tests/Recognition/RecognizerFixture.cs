using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text.Recognition;

namespace Retrieval.Models.Tests.Recognition;

/// <summary>The real PP-OCRv4 recognizer, loaded once per test class; the classifier variant only when a test asks for it.</summary>
public sealed class RecognizerFixture : IDisposable
{
    private readonly Lazy<TextRecognizer> withClassifier = new(() =>
        new TextRecognizer(RecognizerModelFiles.Default, new RecognizerOptions { UseDirectionClassifier = true }, new OnnxOptions()));

    public TextRecognizer Recognizer { get; } = new(RecognizerModelFiles.Default, new RecognizerOptions(), new OnnxOptions());

    public TextRecognizer WithClassifier => withClassifier.Value;

    public void Dispose()
    {
        Recognizer.Dispose();
        if (withClassifier.IsValueCreated)
        {
            withClassifier.Value.Dispose();
        }
    }

    /// <summary>Renders one text item on a canvas big enough for it at any angle and returns the image and its quad.</summary>
    public static (RgbImage Image, Quad Quad) Render(string text, string font, double angle = 0, SceneBackground background = SceneBackground.Plain, int seed = 1)
    {
        var size = int.Parse(font[(font.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var side = (int)((text.Length * size * 0.8) + (size * 2) + 40);
        var scene = new SceneSpec(side + 40, side + 40, [new TextItem(text, 20, 20, font, angle)], background, seed);
        var rendered = TextRenderer.RenderWithBoxes(scene);
        return (rendered.Image, rendered.TextBoxes[0]);
    }
}
