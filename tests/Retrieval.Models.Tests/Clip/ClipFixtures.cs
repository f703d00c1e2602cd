using System.Text.Json;
using System.Text.Json.Serialization;
using Retrieval.Models.Imaging;

namespace Retrieval.Models.Tests.Clip;

/// <summary>
/// The committed tiny CLIP-architecture model and its PyTorch/Pillow reference outputs
/// (regenerate with <c>/usr/bin/python3 tools/clip-test-model/build.py</c>).
/// </summary>
internal static class ClipFixtures
{
    private static readonly Lazy<string> LocatedDirectory = new(Locate);
    private static readonly Lazy<ClipReference> LoadedReference = new(() =>
        JsonSerializer.Deserialize<ClipReference>(File.ReadAllText(Path.Combine(Directory, "reference.json")))!);

    public static string Directory => LocatedDirectory.Value;

    public static string HuggingFace => Path.Combine(Directory, "hf");

    public static string OpenClip => Path.Combine(Directory, "openclip");

    public static ClipReference Reference => LoadedReference.Value;

    public static RgbImage Image(string relativePath) => ImageDecoder.Decode(Path.Combine(Directory, relativePath)).Image;

    /// <summary>A scratch copy of one fixture layout that a test may break.</summary>
    public static TempCopy Copy(string source) => new(source);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Retrieval.Models.Tests", "Clip", "Fixtures");
            if (File.Exists(Path.Combine(candidate, "reference.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Retrieval.Models.Tests/Clip/Fixtures was not found above " + AppContext.BaseDirectory);
    }

    internal sealed class TempCopy : IDisposable
    {
        public TempCopy(string source)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "clip-test-" + Guid.NewGuid().ToString("N"));
            foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(source, file));
                System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        public string Path { get; }

        public string this[string relative] => System.IO.Path.Combine(Path, relative);

        public void Dispose() => System.IO.Directory.Delete(Path, recursive: true);
    }
}

internal sealed record ClipReference(
    [property: JsonPropertyName("context_length")] int ContextLength,
    [property: JsonPropertyName("embed_dim")] int EmbedDim,
    [property: JsonPropertyName("image_size")] int ImageSize,
    [property: JsonPropertyName("vocab_size")] int VocabSize,
    [property: JsonPropertyName("start_id")] int StartId,
    [property: JsonPropertyName("end_id")] int EndId,
    [property: JsonPropertyName("texts")] IReadOnlyList<TextReference> Texts,
    [property: JsonPropertyName("images")] IReadOnlyList<ImageReference> Images,
    [property: JsonPropertyName("resizes")] IReadOnlyList<ResizeReference> Resizes);

internal sealed record TextReference(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("bpe_ids")] int[] BpeIds,
    [property: JsonPropertyName("ids_end_padded")] int[] IdsEndPadded,
    [property: JsonPropertyName("ids_zero_padded")] int[] IdsZeroPadded,
    [property: JsonPropertyName("hf_text_embeds")] float[] HfTextEmbeds,
    [property: JsonPropertyName("openclip_embedding")] float[] OpenClipEmbedding);

internal sealed record ImageReference(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("resize_mode")] string ResizeMode,
    [property: JsonPropertyName("preprocessed")] string? Preprocessed,
    [property: JsonPropertyName("hf_image_embeds")] float[] HfImageEmbeds,
    [property: JsonPropertyName("openclip_embedding")] float[] OpenClipEmbedding);

internal sealed record ResizeReference(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("filter")] string Filter,
    [property: JsonPropertyName("expected")] string Expected);
