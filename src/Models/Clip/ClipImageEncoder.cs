using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Clip;

/// <summary>
/// Image → unit-length CLIP embedding: preprocess (<see cref="ClipImagePreprocessor"/>), run the vision tower,
/// L2-normalize. Owns the tower's ONNX session. Thread-safe: buffers are per call (pooled).
/// </summary>
public sealed class ClipImageEncoder : IDisposable
{
    private readonly ClipTower tower;
    private readonly string[] inputNames;
    private readonly int batchLimit;

    private ClipImageEncoder(ClipTower tower, ClipImagePreprocessor preprocessor, int batchLimit)
    {
        this.tower = tower;
        Preprocessor = preprocessor;
        this.batchLimit = batchLimit;
        inputNames = [tower.InputName];
    }

    public ClipImagePreprocessor Preprocessor { get; }

    /// <summary>S: the model's input side.</summary>
    public int ImageSize => Preprocessor.ImageSize;

    /// <summary>D: floats per embedding.</summary>
    public int EmbeddingWidth { get; private set; }

    /// <summary>Images per ONNX run (1 for exports with a fixed batch axis).</summary>
    public int BatchSize => batchLimit;

    public ExecutionDevice Device => tower.Session.Device;

    public string ModelPath => tower.Path;

    /// <summary>Opens the vision tower of <paramref name="directory"/> and checks its input size against the preprocessing config.</summary>
    public static ClipImageEncoder Open(ClipModelDirectory directory, ClipEncoderOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new ClipEncoderOptions();
        options.Validate();
        var tower = ClipTower.OpenVision(directory, options, logger);
        try
        {
            var size = tower.InputDimensions[2] > 0 ? tower.InputDimensions[2] : tower.InputDimensions[3];
            if (size > 0 && size != directory.Preprocess.ImageSize)
            {
                throw new ModelLoadException(
                    $"{tower.Path}: input '{tower.InputName}' takes {size}x{size} images, but {directory.PreprocessConfigPath} prepares {directory.Preprocess.ImageSize}x{directory.Preprocess.ImageSize}.");
            }

            var config = options.ResizeMode is { } mode ? directory.Preprocess with { ResizeMode = mode } : directory.Preprocess;
            var batch = tower.FixedBatch == 1 ? 1 : options.MaxBatchSize;
            var encoder = new ClipImageEncoder(tower, new ClipImagePreprocessor(config), batch);
            encoder.EmbeddingWidth = tower.ResolveWidth(directory.ModelConfig, encoder.Probe);
            ClipLog.TowerOpened(logger ?? NullLogger.Instance, "vision", tower.Path, tower.InputName, tower.InputType, encoder.EmbeddingWidth, batch);
            return encoder;
        }
        catch
        {
            tower.Dispose();
            throw;
        }
    }

    public float[] Encode(RgbImage image, CancellationToken cancellationToken = default) => Encode([image], cancellationToken)[0];

    public float[][] Encode(IReadOnlyList<RgbImage> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var flat = new float[images.Count * EmbeddingWidth];
        Encode(images, flat, cancellationToken);
        return [.. Enumerable.Range(0, images.Count).Select(i => flat.AsSpan(i * EmbeddingWidth, EmbeddingWidth).ToArray())];
    }

    /// <summary>Writes one unit vector per image, row after row, into <paramref name="destination"/> (images × <see cref="EmbeddingWidth"/> floats).</summary>
    public void Encode(IReadOnlyList<RgbImage> images, Span<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (destination.Length < images.Count * EmbeddingWidth)
        {
            throw new ArgumentException($"The destination needs {images.Count * EmbeddingWidth} floats, it has {destination.Length}.", nameof(destination));
        }

        var tensorLength = Preprocessor.TensorLength;
        for (var start = 0; start < images.Count; start += batchLimit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchLimit, images.Count - start);
            var pixels = ArrayPool<float>.Shared.Rent(count * tensorLength);
            try
            {
                for (var i = 0; i < count; i++)
                {
                    Preprocessor.Preprocess(images[start + i], pixels.AsSpan(i * tensorLength, tensorLength));
                }

                using var input = CreateInput(pixels, count);
                tower.Run([input], inputNames, count, EmbeddingWidth, destination.Slice(start * EmbeddingWidth, count * EmbeddingWidth));
            }
            finally
            {
                ArrayPool<float>.Shared.Return(pixels);
            }
        }
    }

    public void Dispose() => tower.Dispose();

    private OrtValue CreateInput(float[] pixels, int count) =>
        OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, pixels.AsMemory(0, count * Preprocessor.TensorLength), [count, 3, ImageSize, ImageSize]);

    private int Probe()
    {
        var pixels = new float[Preprocessor.TensorLength];
        using var input = CreateInput(pixels, 1);
        return tower.ProbeWidth([input], inputNames);
    }
}
