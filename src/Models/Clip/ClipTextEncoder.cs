using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Clip;

/// <summary>
/// Text → unit-length CLIP embedding: tokenize (<see cref="ClipTokenizer"/>), run the text tower, L2-normalize.
/// Owns the tower's ONNX session. Thread-safe: buffers are per call (pooled).
/// </summary>
public sealed class ClipTextEncoder : IDisposable
{
    private readonly ClipTower tower;
    private readonly string[] inputNames;
    private readonly int batchLimit;
    private readonly bool trimPadding;

    private ClipTextEncoder(ClipTower tower, ClipTokenizer tokenizer, int batchLimit, bool trimPadding)
    {
        this.tower = tower;
        this.trimPadding = trimPadding;
        Tokenizer = tokenizer;
        this.batchLimit = batchLimit;
        inputNames = tower.MaskName is { } mask ? [tower.InputName, mask] : [tower.InputName];
    }

    public ClipTokenizer Tokenizer { get; }

    /// <summary>D: floats per embedding.</summary>
    public int EmbeddingWidth { get; private set; }

    /// <summary>Texts per ONNX run (1 for exports with a fixed batch axis).</summary>
    public int BatchSize => batchLimit;

    public ExecutionDevice Device => tower.Session.Device;

    public string ModelPath => tower.Path;

    /// <summary>Opens the text tower of <paramref name="directory"/> and checks it against the tokenizer and config.</summary>
    public static ClipTextEncoder Open(ClipModelDirectory directory, ClipEncoderOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new ClipEncoderOptions();
        options.Validate();
        var tower = ClipTower.OpenText(directory, options, logger);
        try
        {
            var tokenizer = directory.Tokenizer;
            if (tower.InputDimensions[1] > 0 && tower.InputDimensions[1] != tokenizer.ContextLength)
            {
                throw new ModelLoadException(
                    $"{tower.Path}: input '{tower.InputName}' takes {tower.InputDimensions[1]} tokens per text, but the tokenizer frames {tokenizer.ContextLength} " +
                    "(config.json's context length, or CLIP's 77).");
            }

            var batch = tower.FixedBatch == 1 ? 1 : options.MaxBatchSize;
            var encoder = new ClipTextEncoder(tower, tokenizer, batch, options.TrimPadding);
            encoder.EmbeddingWidth = tower.ResolveWidth(directory.ModelConfig, encoder.Probe);
            ClipLog.TowerOpened(logger ?? NullLogger.Instance, "text", tower.Path, tower.InputName, tower.InputType, encoder.EmbeddingWidth, batch);
            return encoder;
        }
        catch
        {
            tower.Dispose();
            throw;
        }
    }

    public float[] Encode(string text, CancellationToken cancellationToken = default) => Encode([text], cancellationToken)[0];

    public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var flat = new float[texts.Count * EmbeddingWidth];
        Encode(texts, flat, cancellationToken);
        return [.. Enumerable.Range(0, texts.Count).Select(i => flat.AsSpan(i * EmbeddingWidth, EmbeddingWidth).ToArray())];
    }

    /// <summary>Writes one unit vector per text, row after row, into <paramref name="destination"/> (texts × <see cref="EmbeddingWidth"/> floats).</summary>
    public void Encode(IReadOnlyList<string> texts, Span<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (destination.Length < texts.Count * EmbeddingWidth)
        {
            throw new ArgumentException($"The destination needs {texts.Count * EmbeddingWidth} floats, it has {destination.Length}.", nameof(destination));
        }

        for (var start = 0; start < texts.Count; start += batchLimit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchLimit, texts.Count - start);
            RunBatch(texts, start, count, destination.Slice(start * EmbeddingWidth, count * EmbeddingWidth));
        }
    }

    public void Dispose() => tower.Dispose();

    private void RunBatch(IReadOnlyList<string> texts, int start, int count, Span<float> destination)
    {
        var context = Tokenizer.ContextLength;
        var ids = ArrayPool<int>.Shared.Rent(count * context);
        var lengths = ArrayPool<int>.Shared.Rent(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                lengths[i] = Tokenizer.Tokenize(texts[start + i], ids.AsSpan(i * context, context));
            }

            var length = SequenceLength(lengths.AsSpan(0, count));
            for (var i = 1; i < count && length < context; i++)
            {
                ids.AsSpan(i * context, length).CopyTo(ids.AsSpan(i * length));
            }

            using var input = CreateTensor(tower.InputType, ids.AsSpan(0, count * length), count, length);
            using var mask = tower.MaskName is null ? null : CreateMask(tower.MaskType, lengths.AsSpan(0, count), length);
            tower.Run(mask is null ? [input.Value] : [input.Value, mask.Value], inputNames, count, EmbeddingWidth, destination);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ids);
            ArrayPool<int>.Shared.Return(lengths);
        }
    }

    /// <summary>
    /// Tokens to feed per text: the full context, or, when the export's sequence axis is dynamic and trimming is on,
    /// just up to the longest text's end token. CLIP's text tower is causal and pools at the end token, so the padding
    /// after it cannot change the embedding; a 10-token query then costs about a seventh of a 77-token run.
    /// </summary>
    private int SequenceLength(ReadOnlySpan<int> lengths)
    {
        var max = 0;
        foreach (var length in lengths)
        {
            max = Math.Max(max, length);
        }

        return trimPadding && tower.InputDimensions[1] < 0 ? max : Tokenizer.ContextLength;
    }

    private int Probe()
    {
        var ids = Tokenizer.Tokenize(string.Empty);
        using var input = CreateTensor(tower.InputType, ids, 1, ids.Length);
        using var mask = tower.MaskName is null ? null : CreateMask(tower.MaskType, [2], ids.Length);
        return tower.ProbeWidth(mask is null ? [input.Value] : [input.Value, mask.Value], inputNames);
    }

    private static PooledTensor CreateTensor(TensorElementType type, ReadOnlySpan<int> ids, int rows, int length)
    {
        long[] shape = [rows, length];
        if (type == TensorElementType.Int32)
        {
            var buffer = ArrayPool<int>.Shared.Rent(ids.Length);
            ids.CopyTo(buffer);
            return new PooledTensor(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, ids.Length), shape), () => ArrayPool<int>.Shared.Return(buffer));
        }

        var wide = ArrayPool<long>.Shared.Rent(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            wide[i] = ids[i];
        }

        return new PooledTensor(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, wide.AsMemory(0, ids.Length), shape), () => ArrayPool<long>.Shared.Return(wide));
    }

    /// <summary>1 over the real tokens (start and end included), 0 over the padding, as Hugging Face's tokenizer returns it.</summary>
    private static PooledTensor CreateMask(TensorElementType type, ReadOnlySpan<int> lengths, int length)
    {
        var mask = new int[lengths.Length * length];
        for (var i = 0; i < lengths.Length; i++)
        {
            mask.AsSpan(i * length, lengths[i]).Fill(1);
        }

        return CreateTensor(type, mask, lengths.Length, length);
    }

    /// <summary>An OrtValue over a pooled buffer; disposing it releases both (the value first: it pins the buffer).</summary>
    private sealed class PooledTensor(OrtValue value, Action release) : IDisposable
    {
        public OrtValue Value { get; } = value;

        public void Dispose()
        {
            Value.Dispose();
            release();
        }
    }
}
