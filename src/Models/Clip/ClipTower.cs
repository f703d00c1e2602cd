using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Clip;

/// <summary>
/// One CLIP tower's ONNX session and its resolved signature: which input carries the tokens or pixels (and its element
/// type), the optional attention mask, which output is the embedding, whether the batch axis is fixed, and the fixed
/// sizes. Resolving it is where a user's export is checked; every mismatch names the file, what was expected and what
/// the model has. Runs are thread-safe (ONNX Runtime sessions are; buffers belong to the caller).
/// </summary>
internal sealed class ClipTower : IDisposable
{
    private readonly string[] outputNames;

    private ClipTower(ModelSession session, string input, TensorElementType inputType, string? mask, TensorElementType maskType, string output, int[] inputDims, int width)
    {
        Session = session;
        InputName = input;
        InputType = inputType;
        MaskName = mask;
        MaskType = maskType;
        OutputName = output;
        InputDimensions = inputDims;
        EmbeddingWidth = width;
        outputNames = [output];
    }

    public ModelSession Session { get; }

    public string Path => Session.Path;

    public string InputName { get; }

    public TensorElementType InputType { get; }

    public string? MaskName { get; }

    public TensorElementType MaskType { get; }

    public string OutputName { get; }

    /// <summary>The main input's dimensions as the model declares them; -1 where dynamic.</summary>
    public IReadOnlyList<int> InputDimensions { get; }

    /// <summary>1 when the export fixed the batch axis at 1 (Immich's exports do), else 0 (any batch).</summary>
    public int FixedBatch => InputDimensions[0] == 1 ? 1 : 0;

    /// <summary>D from the output's declared shape, or -1 when that axis is dynamic.</summary>
    public int EmbeddingWidth { get; }

    public static ClipTower OpenText(ClipModelDirectory directory, ClipEncoderOptions options, ILogger? logger)
    {
        var (input, output) = directory.Layout == ClipLayout.HuggingFace ? ("input_ids", "text_embeds") : ("text", "embedding");
        var session = ModelSession.Open(directory.TextModelPath, options.Onnx, [], [], options.ConcurrentSessions, logger);
        try
        {
            var inputs = session.Session.InputMetadata;
            var idsType = RequireInput(session, input, 2, TensorElementType.Int64, TensorElementType.Int32);
            string? mask = null;
            var maskType = TensorElementType.Int64;
            foreach (var name in inputs.Keys.Where(k => k != input))
            {
                if (name != "attention_mask")
                {
                    throw new ModelLoadException($"{session.Path}: unexpected input '{name}'; a CLIP text tower takes '{input}' and optionally 'attention_mask'.");
                }

                maskType = RequireInput(session, name, 2, TensorElementType.Int64, TensorElementType.Int32);
                mask = name;
            }

            var (outputName, width) = ResolveOutput(session, output);
            return new ClipTower(session, input, idsType, mask, maskType, outputName, inputs[input].Dimensions, width);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public static ClipTower OpenVision(ClipModelDirectory directory, ClipEncoderOptions options, ILogger? logger)
    {
        var (input, output) = directory.Layout == ClipLayout.HuggingFace ? ("pixel_values", "image_embeds") : ("image", "embedding");
        var session = ModelSession.Open(directory.VisionModelPath, options.Onnx, [], [], options.ConcurrentSessions, logger);
        try
        {
            var type = RequireInput(session, input, 4, TensorElementType.Float);
            if (session.Session.InputMetadata.Keys.FirstOrDefault(k => k != input) is { } extra)
            {
                throw new ModelLoadException($"{session.Path}: unexpected input '{extra}'; a CLIP vision tower takes only '{input}'.");
            }

            var dims = session.Session.InputMetadata[input].Dimensions;
            if (dims[1] is not (3 or -1) || (dims[2] > 0 && dims[3] > 0 && dims[2] != dims[3]))
            {
                throw new ModelLoadException($"{session.Path}: input '{input}' should be [N, 3, S, S], it is [{string.Join(", ", dims)}].");
            }

            var (outputName, width) = ResolveOutput(session, output);
            return new ClipTower(session, input, type, null, TensorElementType.Float, outputName, dims, width);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs one batch and writes each row, L2-normalized, into <paramref name="destination"/> (batch × width floats).</summary>
    public void Run(OrtValue[] inputs, string[] inputNames, int batch, int width, Span<float> destination)
    {
        using var outputs = Session.Session.Run(Session.RunOptions, inputNames, inputs, outputNames);
        var output = outputs[0];
        var shape = output.GetTensorTypeAndShape().Shape;
        if (shape.Length != 2 || shape[0] != batch || shape[1] != width)
        {
            throw new ModelLoadException($"{Path}: output '{OutputName}' came back as [{string.Join(", ", shape)}], expected [{batch}, {width}].");
        }

        var data = output.GetTensorDataAsSpan<float>();
        for (var i = 0; i < batch; i++)
        {
            ClipVectors.Normalize(data.Slice(i * width, width), destination.Slice(i * width, width));
        }
    }

    /// <summary>D as the model's output reports it for a probe run: for exports whose output width is dynamic and no config states it.</summary>
    public int ProbeWidth(OrtValue[] inputs, string[] inputNames)
    {
        using var outputs = Session.Session.Run(Session.RunOptions, inputNames, inputs, outputNames);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        return shape.Length == 2 && shape[1] > 0
            ? (int)shape[1]
            : throw new ModelLoadException($"{Path}: output '{OutputName}' has shape [{string.Join(", ", shape)}], expected [N, D].");
    }

    /// <summary>
    /// D: the output's declared width, checked against config.json; else config.json's; else what a probe run returns.
    /// </summary>
    public int ResolveWidth(ClipModelConfig config, Func<int> probe)
    {
        if (EmbeddingWidth > 0)
        {
            return config.EmbeddingWidth is { } stated && stated != EmbeddingWidth
                ? throw new ModelLoadException($"{Path}: output '{OutputName}' is {EmbeddingWidth} wide, but config.json says the embedding width is {stated}.")
                : EmbeddingWidth;
        }

        var width = config.EmbeddingWidth ?? probe();
        return width > 0 ? width : throw new ModelLoadException($"{Path}: could not determine the embedding width.");
    }

    public void Dispose() => Session.Dispose();

    private static TensorElementType RequireInput(ModelSession session, string name, int rank, params TensorElementType[] types)
    {
        var inputs = session.Session.InputMetadata;
        if (!inputs.TryGetValue(name, out var meta))
        {
            throw new ModelLoadException(
                $"{session.Path}: expected an input named '{name}', the model has {string.Join(", ", inputs.Keys.Select(k => $"'{k}'"))}. " +
                "Check that the file is the right tower and the folder has the right layout (Hugging Face: input_ids / pixel_values; OpenCLIP: text / image).");
        }

        if (!meta.IsTensor || meta.Dimensions.Length != rank || !types.Contains(meta.ElementDataType))
        {
            throw new ModelLoadException(
                $"{session.Path}: input '{name}' should be a rank-{rank} {string.Join(" or ", types)} tensor, " +
                $"it is a rank-{meta.Dimensions.Length} {meta.ElementDataType} {(meta.IsTensor ? "tensor" : meta.OnnxValueType.ToString())}.");
        }

        if (meta.Dimensions[0] > 1)
        {
            throw new ModelLoadException(
                $"{session.Path}: input '{name}' has its batch axis fixed at {meta.Dimensions[0]}; export it with a dynamic batch axis (or a batch of 1).");
        }

        return meta.ElementDataType;
    }

    /// <summary>The layout's embedding output, or the model's only output; it must be float [N, D].</summary>
    private static (string Name, int Width) ResolveOutput(ModelSession session, string preferred)
    {
        var outputs = session.Session.OutputMetadata;
        var name = outputs.ContainsKey(preferred) ? preferred
            : outputs.Count == 1 ? outputs.Keys.First()
            : throw new ModelLoadException(
                $"{session.Path}: expected an output named '{preferred}', the model has {string.Join(", ", outputs.Keys.Select(k => $"'{k}'"))}.");
        var meta = outputs[name];
        if (!meta.IsTensor || meta.ElementDataType != TensorElementType.Float || meta.Dimensions.Length != 2)
        {
            throw new ModelLoadException(
                $"{session.Path}: output '{name}' should be a float [N, D] embedding, it is a rank-{meta.Dimensions.Length} {meta.ElementDataType} value.");
        }

        return (name, meta.Dimensions[1]);
    }
}
