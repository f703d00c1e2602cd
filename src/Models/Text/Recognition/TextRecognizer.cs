using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Text.Recognition;

/// <summary>
/// Reads text lines with PaddleOCR's PP-OCRv4 CTC recognizer: each line quad is cut out of the image
/// by a perspective warp to height 48 (tall crops turned, optionally upside-down ones too), crops of
/// similar aspect ratio are batched, and every output is decoded three ways: the greedy text, its
/// words with boxes, and the reading lattice that keyword spotting scores queries against.
/// <para>
/// Step contract: a line's crop is <c>8 T</c> pixels wide, T = round(aspect width / 8) clamped to
/// [MinCropWidth, MaxCropWidth] / 8, and its lattice holds exactly the T model steps over the crop
/// (steps over batch padding are dropped), so step t spans the fraction [t/T, (t+1)/T) of the
/// returned line quad's reading direction.
/// </para>
/// Thread-safe: concurrent calls share the session and rent their own buffers.
/// </summary>
public sealed class TextRecognizer : IDisposable
{
    private const string InputName = "x";
    private const string OutputName = "softmax_11.tmp_0";
    private const int Height = RecognizerOptions.CropHeight;
    private const int Step = RecognizerOptions.StepWidth;

    private static readonly string[] InputNames = [InputName];
    private static readonly string[] OutputNames = [OutputName];

    private readonly ModelSession session;
    private readonly DirectionClassifier? classifier;
    private readonly LatticeBuilder latticeBuilder;
    private readonly int classCount;

    public TextRecognizer(RecognizerModelFiles files, RecognizerOptions options, OnnxOptions onnxOptions, int concurrentSessions = 1, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.UseDirectionClassifier && string.IsNullOrEmpty(files.DirectionClassifier))
        {
            throw new ArgumentException("UseDirectionClassifier is on but no direction classifier model was given: set RecognizerModelFiles.DirectionClassifier or turn the option off.", nameof(files));
        }

        Options = options;
        Characters = CharacterSet.Load(files.Dictionary, options.Folding);
        classCount = Characters.Count;
        latticeBuilder = new LatticeBuilder(Characters, options.LatticeTopK, options.LatticeMinProbability);
        session = ModelSession.Open(
            files.Model,
            onnxOptions,
            [new TensorSpec(InputName, TensorElementType.Float, 4)],
            [new TensorSpec(OutputName, TensorElementType.Float, 3)],
            concurrentSessions,
            logger);
        try
        {
            var classes = session.Session.OutputMetadata[OutputName].Dimensions[2];
            if (classes != classCount)
            {
                throw new ModelLoadException($"{files.Model}: the model has {classes} output classes but dictionary {files.Dictionary} gives {classCount} (blank + {classCount - 2} symbols + space); use the dictionary that came with the model.");
            }

            if (options.UseDirectionClassifier)
            {
                classifier = new DirectionClassifier(files.DirectionClassifier!, onnxOptions, concurrentSessions, options.BatchSize, logger);
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public RecognizerOptions Options { get; }

    /// <summary>The model's classes and their folded symbols.</summary>
    public CharacterSet Characters { get; }

    /// <summary>The device the recognizer runs on.</summary>
    public ExecutionDevice Device => session.Device;

    /// <summary>
    /// Reads each of <paramref name="lines"/> in <paramref name="image"/>. Results are in input order;
    /// lines whose confidence is below <see cref="RecognizerOptions.MinLineConfidence"/> are left out.
    /// </summary>
    public IReadOnlyList<RecognizedLine> Recognize(RgbImage image, IReadOnlyList<Quad> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return [];
        }

        var crops = Orient(image, lines, cancellationToken);

        // Sorted by width (the aspect ratio, as height is fixed), neighbours pad each other little.
        var order = Enumerable.Range(0, crops.Length).OrderBy(i => crops[i].Width).ToArray();
        var results = new RecognizedLine?[crops.Length];
        for (var start = 0; start < order.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = BatchLength(crops, order.AsSpan(start));
            RunBatch(image, crops, order.AsSpan(start, count), results);
            start += count;
        }

        var kept = new List<RecognizedLine>(results.Length);
        foreach (var line in results)
        {
            if (line!.Confidence >= Options.MinLineConfidence)
            {
                kept.Add(line);
            }
        }

        return kept;
    }

    public void Dispose()
    {
        classifier?.Dispose();
        session.Dispose();
    }

    /// <summary>Turns tall crops (and, with the classifier, upside-down ones) and fixes each crop's width.</summary>
    private Crop[] Orient(RgbImage image, IReadOnlyList<Quad> lines, CancellationToken cancellationToken)
    {
        var quads = new Quad[lines.Count];
        for (var i = 0; i < quads.Length; i++)
        {
            if (!IsFinite(lines[i]))
            {
                throw new ArgumentException($"Line {i} has a corner that is not a finite number: {lines[i]}.", nameof(lines));
            }

            var quad = LineQuad.Expand(lines[i], Options.CropMargin);
            quads[i] = LineQuad.IsVertical(quad) ? LineQuad.RotateCounterClockwise(quad) : quad;
        }

        if (classifier is not null)
        {
            var upsideDown = classifier.UpsideDownProbabilities(image, quads, cancellationToken);
            for (var i = 0; i < quads.Length; i++)
            {
                if (upsideDown[i] > Options.DirectionThreshold)
                {
                    quads[i] = LineQuad.Rotate180(quads[i]);
                }
            }
        }

        var crops = new Crop[quads.Length];
        for (var i = 0; i < quads.Length; i++)
        {
            var steps = (int)MathF.Round(QuadWarp.AspectWidth(quads[i], Height) / Step);
            crops[i] = new Crop(quads[i], Math.Clamp(steps * Step, Options.MinCropWidth, Options.MaxCropWidth));
        }

        return crops;
    }

    /// <summary>
    /// How many of the width-sorted <paramref name="pending"/> crops go into the next batch: up to
    /// BatchSize, stopping before padding would exceed <see cref="RecognizerOptions.MaxBatchPadding"/>
    /// of the batch tensor (a lone wide line costs less alone than padding seven narrow ones to it).
    /// </summary>
    private int BatchLength(Crop[] crops, ReadOnlySpan<int> pending)
    {
        var minWidth = RoundUpToStep(Options.MinBatchWidth);
        long content = 0;
        var count = 0;
        while (count < pending.Length && count < Options.BatchSize)
        {
            var width = Math.Max(minWidth, crops[pending[count]].Width + Options.TrailingPadding);
            if (count > 0 && (content + width) < (1f - Options.MaxBatchPadding) * (count + 1) * width)
            {
                break;
            }

            content += width;
            count++;
        }

        return count;
    }

    private void RunBatch(RgbImage image, Crop[] crops, ReadOnlySpan<int> batch, RecognizedLine?[] results)
    {
        var n = batch.Length;
        var width = RoundUpToStep(Options.MinBatchWidth);
        foreach (var i in batch)
        {
            width = Math.Max(width, crops[i].Width + Options.TrailingPadding);
        }

        var steps = width / Step;
        var itemFloats = 3 * Height * width;
        var itemOutputs = steps * classCount;
        var input = ArrayPool<float>.Shared.Rent(n * itemFloats);
        var output = ArrayPool<float>.Shared.Rent(n * itemOutputs);
        try
        {
            // Padding is 0 after normalization (mid-grey), as PaddleOCR pads its batches.
            input.AsSpan(0, n * itemFloats).Clear();
            for (var k = 0; k < n; k++)
            {
                var crop = crops[batch[k]];
                QuadWarp.WarpNormalized(image, crop.Quad, crop.Width, Height, input.AsSpan(k * itemFloats, itemFloats), width, Height * width);
            }

            using (var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, n * itemFloats), [n, 3, Height, width]))
            using (var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, n * itemOutputs), [n, steps, classCount]))
            {
                session.Run(InputNames, [inputValue], OutputNames, [outputValue]);
            }

            for (var k = 0; k < n; k++)
            {
                var crop = crops[batch[k]];
                var lineSteps = crop.Width / Step;
                var probabilities = output.AsSpan(k * itemOutputs, lineSteps * classCount);
                var reading = CtcGreedyDecoder.Decode(probabilities, lineSteps, Characters, Options.RecoverSpaces);
                var lattice = latticeBuilder.Build(probabilities, lineSteps);
                var words = WordSplitter.Split(reading, lineSteps, crop.Quad);
                results[batch[k]] = new RecognizedLine(crop.Quad, reading.Text.Trim(' '), reading.Confidence, lattice, words);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
            ArrayPool<float>.Shared.Return(output);
        }
    }

    private static bool IsFinite(Quad q) =>
        float.IsFinite(q.TopLeft.X + q.TopLeft.Y + q.TopRight.X + q.TopRight.Y + q.BottomRight.X + q.BottomRight.Y + q.BottomLeft.X + q.BottomLeft.Y);

    private static int RoundUpToStep(int pixels) => (pixels + Step - 1) / Step * Step;

    /// <summary>A line ready to warp: its quad as it will be read and its crop width (a multiple of 8).</summary>
    private readonly record struct Crop(Quad Quad, int Width);
}
