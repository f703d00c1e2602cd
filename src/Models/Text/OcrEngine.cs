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

    public TextFolding Folding { get; init; } = TextFolding.Default;

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
        detector = new TextDetector(catalog, options.Detector, options.Onnx, concurrentSessions, loggerFactory);
        try
        {
            recognizer = new TextRecognizer(catalog, options.Recognizer, options.Onnx, options.Folding, concurrentSessions, loggerFactory);
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

    public void Dispose()
    {
        detector.Dispose();
        recognizer.Dispose();
    }
}
