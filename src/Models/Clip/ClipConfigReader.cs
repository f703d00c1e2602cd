using System.Text.Json;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Clip;

/// <summary>What a model's config.json says about its shape, where it says it (null = not stated).</summary>
/// <param name="EmbeddingWidth">D: projection_dim (Hugging Face) or embed_dim (OpenCLIP).</param>
/// <param name="ContextLength">max_position_embeddings (Hugging Face) or text_cfg.context_length (OpenCLIP).</param>
/// <param name="ImageSize">vision_config.image_size or vision_cfg.image_size.</param>
public sealed record ClipModelConfig(int? EmbeddingWidth, int? ContextLength, int? ImageSize)
{
    public static ClipModelConfig Unknown { get; } = new(null, null, null);
}

/// <summary>Reads the JSON side files of both CLIP layouts; every problem names the file and the field.</summary>
internal static class ClipConfigReader
{
    public static ClipPreprocessConfig ReadHuggingFacePreprocess(string path) => Read(path, root =>
    {
        if (root.TryGetProperty("do_resize", out var doResize) && doResize.ValueKind == JsonValueKind.False)
        {
            throw Fail(path, "do_resize is false; only configs that resize are supported.");
        }

        if (root.TryGetProperty("rescale_factor", out var rescale) && Math.Abs(rescale.GetDouble() - (1 / 255.0)) > 1e-9)
        {
            throw Fail(path, $"rescale_factor is {rescale.GetDouble()}, only 1/255 is supported.");
        }

        var crop = Side(path, root, "crop_size");
        var (mode, resize) = root.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Object && !size.TryGetProperty("shortest_edge", out _)
            ? (ClipResizeMode.Squash, Side(path, root, "size"))
            : (ClipResizeMode.Shortest, Side(path, root, "size"));
        var doCrop = !root.TryGetProperty("do_center_crop", out var c) || c.ValueKind != JsonValueKind.False;
        var imageSize = doCrop ? crop ?? resize : resize ?? crop;
        var normalize = !root.TryGetProperty("do_normalize", out var n) || n.ValueKind != JsonValueKind.False;
        return new ClipPreprocessConfig
        {
            ImageSize = imageSize ?? throw Fail(path, "neither crop_size nor size gives the image size."),
            ResizeSize = mode == ClipResizeMode.Shortest && resize is { } r && r != imageSize ? r : 0,
            ResizeMode = mode,
            Filter = root.TryGetProperty("resample", out var resample) ? Filter(path, resample.GetInt32()) : ResampleFilter.Bicubic,
            Mean = normalize ? Floats(path, root, "image_mean") ?? ClipPreprocessConfig.OpenAiMean : [0f, 0f, 0f],
            Std = normalize ? Floats(path, root, "image_std") ?? ClipPreprocessConfig.OpenAiStd : [1f, 1f, 1f],
        };
    });

    public static ClipPreprocessConfig ReadOpenClipPreprocess(string path) => Read(path, root => new ClipPreprocessConfig
    {
        ImageSize = Side(path, root, "size") ?? throw Fail(path, "'size' is required."),
        ResizeMode = (root.TryGetProperty("resize_mode", out var mode) ? mode.GetString() : "shortest") switch
        {
            "shortest" => ClipResizeMode.Shortest,
            "longest" => ClipResizeMode.Longest,
            "squash" => ClipResizeMode.Squash,
            var other => throw Fail(path, $"resize_mode '{other}' is not one of shortest, longest, squash."),
        },
        Filter = (root.TryGetProperty("interpolation", out var f) ? f.GetString() : "bicubic") switch
        {
            "bicubic" => ResampleFilter.Bicubic,
            "bilinear" => ResampleFilter.Bilinear,
            "lanczos" => ResampleFilter.Lanczos,
            var other => throw Fail(path, $"interpolation '{other}' is not supported; use bicubic, bilinear or lanczos."),
        },
        Mean = Floats(path, root, "mean") ?? ClipPreprocessConfig.OpenAiMean,
        Std = Floats(path, root, "std") ?? ClipPreprocessConfig.OpenAiStd,
        FillColor = root.TryGetProperty("fill_color", out var fill) && fill.ValueKind == JsonValueKind.Number ? (byte)Math.Clamp(fill.GetInt32(), 0, 255) : (byte)0,
    });

    /// <summary>The pad token of a tokenizer_config.json or special_tokens_map.json (a string, or an object with "content").</summary>
    public static string? ReadPadToken(string path) => Read(path, root =>
        root.TryGetProperty("pad_token", out var pad) ? pad.ValueKind switch
        {
            JsonValueKind.String => pad.GetString(),
            JsonValueKind.Object when pad.TryGetProperty("content", out var content) => content.GetString(),
            _ => null,
        } : null);

    public static ClipModelConfig ReadModelConfig(string path, ClipLayout layout) => Read(path, root => layout == ClipLayout.HuggingFace
        ? new ClipModelConfig(
            Int(root, "projection_dim"),
            Child(root, "text_config") is { } text ? Int(text, "max_position_embeddings") : null,
            Child(root, "vision_config") is { } vision ? Int(vision, "image_size") : null)
        : new ClipModelConfig(
            Int(root, "embed_dim"),
            Child(root, "text_cfg") is { } text2 ? Int(text2, "context_length") : null,
            Child(root, "vision_cfg") is { } vision2 ? Int(vision2, "image_size") : null));

    private static T Read<T>(string path, Func<JsonElement, T> parse)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Fail(path, "expected a JSON object.");
            }

            return parse(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ModelLoadException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>A side length given as n, [n, n], {"height": n, "width": n} or {"shortest_edge": n}.</summary>
    private static int? Side(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.GetInt32();
            case JsonValueKind.Array when value.GetArrayLength() == 2 && value[0].GetInt32() == value[1].GetInt32():
                return value[0].GetInt32();
            case JsonValueKind.Object when value.TryGetProperty("shortest_edge", out var edge):
                return edge.GetInt32();
            case JsonValueKind.Object when value.TryGetProperty("height", out var h) && value.TryGetProperty("width", out var w) && h.GetInt32() == w.GetInt32():
                return h.GetInt32();
            default:
                throw Fail(path, $"'{name}' must be a square size (n, [n, n], {{\"height\": n, \"width\": n}} or {{\"shortest_edge\": n}}), it is {value.GetRawText()}.");
        }
    }

    private static float[]? Floats(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            var single = value.GetSingle();
            return [single, single, single];
        }

        return value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 3
            ? [.. value.EnumerateArray().Select(v => v.GetSingle())]
            : throw Fail(path, $"'{name}' must be three numbers (R, G, B).");
    }

    private static ResampleFilter Filter(string path, int pillowResample) =>
        Enum.IsDefined((ResampleFilter)pillowResample)
            ? (ResampleFilter)pillowResample
            : throw Fail(path, $"resample {pillowResample} is not supported; use 1 (lanczos), 2 (bilinear) or 3 (bicubic).");

    private static JsonElement? Child(JsonElement root, string name) =>
        root.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    private static int? Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static ModelLoadException Fail(string path, string message) => new($"{path}: {message}");
}
