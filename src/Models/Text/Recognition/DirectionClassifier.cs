using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Text.Recognition;

/// <summary>
/// PaddleOCR's text direction classifier (ch_ppocr_mobile_v2.0_cls): for each line crop, the
/// probability that it is upside down. Crops are 48 x 192, the line squeezed horizontally when it
/// is longer than that, zero-padded (mid-grey) when shorter, normalized like the recognizer's input.
/// Thread-safe; owns its session.
/// </summary>
public sealed class DirectionClassifier : IDisposable
{
    public const int CropWidth = 192;
    private const string InputName = "x";
    private const string OutputName = "softmax_0.tmp_0";
    private const int Height = RecognizerOptions.CropHeight;
    private const int CropFloats = 3 * Height * CropWidth;

    private static readonly string[] InputNames = [InputName];
    private static readonly string[] OutputNames = [OutputName];

    private readonly ModelSession session;
    private readonly int batchSize;

    public DirectionClassifier(string modelPath, OnnxOptions onnxOptions, int concurrentSessions = 1, int batchSize = 8, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        this.batchSize = batchSize;
        session = ModelSession.Open(
            modelPath,
            onnxOptions,
            [new TensorSpec(InputName, TensorElementType.Float, 4)],
            [new TensorSpec(OutputName, TensorElementType.Float, 2)],
            concurrentSessions,
            logger);
    }

    /// <summary>Per line, in order, the probability that its crop is upside down (the classifier's "180" class).</summary>
    public float[] UpsideDownProbabilities(RgbImage image, IReadOnlyList<Quad> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(lines);
        var result = new float[lines.Count];
        var input = ArrayPool<float>.Shared.Rent(batchSize * CropFloats);
        var output = new float[batchSize * 2];
        try
        {
            for (var start = 0; start < lines.Count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var n = Math.Min(batchSize, lines.Count - start);
                var tensor = input.AsSpan(0, n * CropFloats);
                tensor.Clear();
                for (var k = 0; k < n; k++)
                {
                    var quad = lines[start + k];
                    var width = Math.Clamp((int)MathF.Ceiling(QuadWarp.AspectWidth(quad, Height)), 1, CropWidth);
                    QuadWarp.WarpNormalized(image, quad, width, Height, tensor.Slice(k * CropFloats, CropFloats), CropWidth, Height * CropWidth);
                }

                using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, n * CropFloats), [n, 3, Height, CropWidth]);
                using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, n * 2), [n, 2]);
                session.Run(InputNames, [inputValue], OutputNames, [outputValue]);
                for (var k = 0; k < n; k++)
                {
                    result[start + k] = output[(k * 2) + 1];
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }

        return result;
    }

    public void Dispose() => session.Dispose();
}
