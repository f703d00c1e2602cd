using Microsoft.Extensions.Logging;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text.Detection;
using Retrieval.Models.Text.Recognition;

namespace Retrieval.Models.Text;

/// <summary>Everything that decides how text is read.</summary>
public sealed record OcrOptions
{
    public DetectorOptions Detector { get; init; } = new();

    public RecognizerOptions Recognizer { get; init; } = new();

    public OnnxOptions Onnx { get; init; } = new();

    public void Validate()
    {
        Detector.Validate();
        Recognizer.Validate();
        Onnx.Validate();
    }
}

/// <summary>What was read in one image: lines (with words and lattices) in reading order, and the detection behind them.</summary>
public sealed record OcrResult(IReadOnlyList<RecognizedLine> Lines, DetectionResult Detection);

/// <summary>
/// Detection then recognition for one image at a time: the simple path used by <c>retrieval read</c>.
/// The indexing pipeline runs the same two models as separate stages.
/// </summary>
public sealed class OcrEngine : IDisposable
{
    private readonly TextDetector detector;
    private readonly TextRecognizer recognizer;

    public OcrEngine(ModelCatalog catalog, OcrOptions options, int concurrentSessions = 2, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        detector = CreateDetector(catalog, options, concurrentSessions, loggerFactory);
        try
        {
            recognizer = CreateRecognizer(catalog, options, concurrentSessions, loggerFactory);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    public ExecutionDevice Device => detector.Device;

    public OcrResult Read(RgbImage image, CancellationToken cancellationToken)
    {
        var detection = detector.Detect(image, cancellationToken);
        var lines = recognizer.Recognize(image, detection.Boxes.Select(b => b.Quad).ToList(), cancellationToken);
        return new OcrResult(lines, detection);
    }

    public static TextDetector CreateDetector(ModelCatalog catalog, OcrOptions options, int concurrentSessions, ILoggerFactory? loggerFactory) =>
        new(catalog.DetectorPath, options.Detector, options.Onnx, concurrentSessions, loggerFactory?.CreateLogger<TextDetector>());

    public static TextRecognizer CreateRecognizer(ModelCatalog catalog, OcrOptions options, int concurrentSessions, ILoggerFactory? loggerFactory) =>
        new(
            new RecognizerModelFiles(catalog.RecognizerPath, catalog.DictionaryPath, File.Exists(catalog.ClassifierPath) ? catalog.ClassifierPath : null),
            options.Recognizer,
            options.Onnx,
            concurrentSessions,
            loggerFactory?.CreateLogger<TextRecognizer>());

    /// <summary>A line (and its words) in coordinates multiplied by <paramref name="factor"/>, e.g. back from shrunk pixels to the file's.</summary>
    public static RecognizedLine Scale(RecognizedLine line, float factor) => line with
    {
        Quad = line.Quad.Scale(factor, factor),
        Words = line.Words.Select(w => w with { Quad = w.Quad.Scale(factor, factor) }).ToList(),
    };

    public void Dispose()
    {
        detector.Dispose();
        recognizer.Dispose();
    }
}
