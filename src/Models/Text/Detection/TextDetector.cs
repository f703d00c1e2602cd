using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Retrieval.Models.Imaging;
using Retrieval.Models.Native;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Text.Detection;

/// <summary>
/// The PP-OCRv4 DB text detector: image -> model input (<see cref="DetectionPreprocessor"/>) ->
/// probability map (ONNX, optionally tiled) -> line boxes (<see cref="DbPostProcessor"/>). Owns its
/// ONNX session. <see cref="Detect"/> is thread-safe: buffers are per call (pooled) and ONNX Runtime
/// sessions accept concurrent runs; for parallel pipelines prefer one instance per worker, created
/// with the worker count as <c>concurrentSessions</c> so threads are not oversubscribed.
/// </summary>
public sealed class TextDetector : IDisposable
{
    public const string DefaultModelFileName = "ch_PP-OCRv4_det_infer.onnx";
    public const string InputName = "x";
    public const string OutputName = "sigmoid_0.tmp_0";

    private static readonly string[] InputNames = [InputName];
    private static readonly string[] OutputNames = [OutputName];

    private readonly ModelSession session;

    public TextDetector(string modelPath, DetectorOptions options, OnnxOptions onnxOptions, int concurrentSessions = 1, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        session = ModelSession.Open(
            modelPath,
            onnxOptions,
            [new TensorSpec(InputName, TensorElementType.Float, 4)],
            [new TensorSpec(OutputName, TensorElementType.Float, 4)],
            concurrentSessions,
            logger);
    }

    /// <summary>The PP-OCRv4 detection model the build fetched into the cache.</summary>
    public static string DefaultModelPath => Path.Combine(RetrievalCache.PaddleOcrModelsDirectory, DefaultModelFileName);

    public DetectorOptions Options { get; }

    public ExecutionDevice Device => session.Device;

    /// <summary>Opens the default model with <paramref name="options"/> (default: <see cref="DetectorOptions"/>' defaults) on the CPU unless told otherwise.</summary>
    public static TextDetector Open(DetectorOptions? options = null, OnnxOptions? onnxOptions = null, int concurrentSessions = 1, ILogger? logger = null) =>
        new(DefaultModelPath, options ?? new DetectorOptions(), onnxOptions ?? new OnnxOptions(), concurrentSessions, logger);

    /// <summary>Finds text lines in <paramref name="image"/>; boxes are in its pixel coordinates, in reading order.</summary>
    public DetectionResult Detect(RgbImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        cancellationToken.ThrowIfCancellationRequested();
        var (width, height) = DetectionPreprocessor.InputSize(image.Width, image.Height, Options);
        var data = new float[width * height];
        var tilesX = TileLayout.Along(width, Options.TileSize, Options.TileOverlap);
        var tilesY = TileLayout.Along(height, Options.TileSize, Options.TileOverlap);
        long preprocess = 0, model = 0;
        if (tilesX.Count == 1 && tilesY.Count == 1)
        {
            (preprocess, model) = Run(image, width, height, 0, 0, width, height, data);
        }
        else
        {
            var tile = ArrayPool<float>.Shared.Rent(tilesX[0].Size * tilesY[0].Size);
            try
            {
                foreach (var ty in tilesY)
                {
                    foreach (var tx in tilesX)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var (p, m) = Run(image, width, height, tx.Start, ty.Start, tx.Size, ty.Size, tile);
                        preprocess += p;
                        model += m;
                        for (var y = ty.OwnStart; y < ty.OwnEnd; y++)
                        {
                            tile.AsSpan(((y - ty.Start) * tx.Size) + (tx.OwnStart - tx.Start), tx.OwnEnd - tx.OwnStart)
                                .CopyTo(data.AsSpan((y * width) + tx.OwnStart));
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(tile);
            }
        }

        var map = new ProbabilityMap(width, height, data, (float)image.Width / width, (float)image.Height / height);
        var start = Stopwatch.GetTimestamp();
        var boxes = DbPostProcessor.Process(map, image.Width, image.Height, Options, cancellationToken);
        var post = Stopwatch.GetElapsedTime(start);
        return new DetectionResult(boxes, map)
        {
            Timings = new DetectionTimings(Stopwatch.GetElapsedTime(0, preprocess), Stopwatch.GetElapsedTime(0, model), post),
        };
    }

    public void Dispose() => session.Dispose();

    /// <summary>Runs the model on one region of the resized input; the map of the region lands in <paramref name="output"/>. Returns timestamps spent.</summary>
    private (long Preprocess, long Model) Run(RgbImage image, int inputWidth, int inputHeight, int x, int y, int width, int height, float[] output)
    {
        var start = Stopwatch.GetTimestamp();
        var length = 3 * width * height;
        var input = ArrayPool<float>.Shared.Rent(length);
        try
        {
            DetectionPreprocessor.ResizeNormalize(image, inputWidth, inputHeight, x, y, width, height, input);
            var prepared = Stopwatch.GetTimestamp();
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, length), [1, 3, height, width]);
            using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, width * height), [1, 1, height, width]);
            try
            {
                session.Run(InputNames, [inputValue], OutputNames, [outputValue]);
            }
            catch (OnnxRuntimeException e)
            {
                throw new TextDetectionException($"{session.Path}: the detector failed on a {width}x{height} input: {e.Message}", e);
            }

            var done = Stopwatch.GetTimestamp();
            return (prepared - start, done - prepared);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }
}

/// <summary>The detection model failed at run time (not at load time: that is <see cref="ModelLoadException"/>).</summary>
public sealed class TextDetectionException(string message, Exception? inner = null) : Exception(message, inner);
