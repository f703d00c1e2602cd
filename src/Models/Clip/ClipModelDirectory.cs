using Retrieval.Models.Onnx;

namespace Retrieval.Models.Clip;

/// <summary>
/// A CLIP export a user brings, found and checked on disk: which <see cref="ClipLayout"/> it is, where each tower and
/// side file is, the tokenizer and image preprocessing its configs describe. Opening it reads only the small files;
/// the ONNX towers are opened (and their inputs and outputs checked) by <see cref="ClipTextEncoder"/> and
/// <see cref="ClipImageEncoder"/>. Every problem is a <see cref="ModelLoadException"/> that names the file and what
/// was expected.
/// </summary>
public sealed class ClipModelDirectory
{
    private ClipModelDirectory(Located files, ClipTokenizer tokenizer, ClipPreprocessConfig preprocess, ClipModelConfig config)
    {
        Root = files.Root;
        Layout = files.Layout;
        TextModelPath = files.TextModel;
        VisionModelPath = files.VisionModel;
        SideFiles = files.SideFiles;
        PreprocessConfigPath = files.PreprocessConfig;
        Tokenizer = tokenizer;
        Preprocess = preprocess;
        ModelConfig = config;
    }

    public string Root { get; }

    public ClipLayout Layout { get; }

    public string TextModelPath { get; }

    public string VisionModelPath { get; }

    /// <summary>Tokenizer and config files that shape the embeddings (hashed into the fingerprint).</summary>
    public IReadOnlyList<string> SideFiles { get; }

    public ClipTokenizer Tokenizer { get; }

    public ClipPreprocessConfig Preprocess { get; }

    /// <summary>What config.json states, or <see cref="ClipModelConfig.Unknown"/> when there is none.</summary>
    public ClipModelConfig ModelConfig { get; }

    /// <summary>The config file that gave <see cref="Preprocess"/>, for messages.</summary>
    public string PreprocessConfigPath { get; }

    /// <summary>Finds the layout and side files of the CLIP export in <paramref name="path"/> and loads its tokenizer and preprocessing.</summary>
    public static ClipModelDirectory Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var root = Path.GetFullPath(path);
        if (!Directory.Exists(root))
        {
            throw new ModelLoadException($"CLIP model directory not found: {root}.");
        }

        if (File.Exists(Path.Combine(root, "textual", "model.onnx")) || File.Exists(Path.Combine(root, "visual", "model.onnx")))
        {
            return OpenOpenClip(root);
        }

        foreach (var folder in new[] { root, Path.Combine(root, "onnx") })
        {
            if (File.Exists(Path.Combine(folder, "text_model.onnx")) || File.Exists(Path.Combine(folder, "vision_model.onnx")))
            {
                return OpenHuggingFace(root, folder);
            }
        }

        throw new ModelLoadException(
            $"{root} is not a CLIP export: expected text_model.onnx + vision_model.onnx (Hugging Face split export, in the folder or its onnx/ " +
            "subfolder) or textual/model.onnx + visual/model.onnx (OpenCLIP/Immich export).");
    }

    /// <summary>SHA-256 of both towers and every side file, so an index can record which model made its embeddings.</summary>
    public ClipModelFingerprint ComputeFingerprint(CancellationToken cancellationToken = default) => ComputeFingerprint(null, cancellationToken);

    /// <summary>As <see cref="ComputeFingerprint(CancellationToken)"/>, reusing the hashes in <paramref name="known"/> of files untouched since (same length and time).</summary>
    public ClipModelFingerprint ComputeFingerprint(IReadOnlyCollection<ClipFileHash>? known, CancellationToken cancellationToken = default) =>
        ClipModelFingerprint.Compute(Root, [TextModelPath, VisionModelPath, .. SideFiles], known, cancellationToken);

    private static ClipModelDirectory OpenHuggingFace(string root, string modelFolder)
    {
        var text = Require(Path.Combine(modelFolder, "text_model.onnx"), "the text tower of the Hugging Face export");
        var vision = Require(Path.Combine(modelFolder, "vision_model.onnx"), "the vision tower of the Hugging Face export");
        var preprocess = Require(Path.Combine(root, "preprocessor_config.json"), "the image preprocessing of the Hugging Face export");
        var (vocabulary, tokenizerFiles) = LoadVocabulary(root);
        var sideFiles = new List<string>(tokenizerFiles) { preprocess };
        var padToken = ReadPadToken(sideFiles, Path.Combine(root, "tokenizer_config.json"), Path.Combine(root, "special_tokens_map.json"));
        var config = ReadConfig(sideFiles, Path.Combine(root, "config.json"), ClipLayout.HuggingFace);
        var files = new Located(root, ClipLayout.HuggingFace, text, vision, preprocess, sideFiles);
        return Create(files, vocabulary, padToken, ClipPadding.EndToken, config, ClipConfigReader.ReadHuggingFacePreprocess(preprocess));
    }

    private static ClipModelDirectory OpenOpenClip(string root)
    {
        var textual = Path.Combine(root, "textual");
        var visual = Path.Combine(root, "visual");
        var text = Require(Path.Combine(textual, "model.onnx"), "the text tower of the OpenCLIP export");
        var vision = Require(Path.Combine(visual, "model.onnx"), "the vision tower of the OpenCLIP export");
        var preprocess = File.Exists(Path.Combine(visual, "preprocess_cfg.json"))
            ? Path.Combine(visual, "preprocess_cfg.json")
            : Require(Path.Combine(root, "preprocess_cfg.json"), "the image preprocessing of the OpenCLIP export (visual/preprocess_cfg.json)");
        var (vocabulary, tokenizerFiles) = LoadVocabulary(textual);
        var sideFiles = new List<string>(tokenizerFiles) { preprocess };
        var padToken = ReadPadToken(sideFiles, Path.Combine(textual, "tokenizer_config.json"), Path.Combine(textual, "special_tokens_map.json"));
        var config = ReadConfig(sideFiles, Path.Combine(root, "config.json"), ClipLayout.OpenClip);
        var files = new Located(root, ClipLayout.OpenClip, text, vision, preprocess, sideFiles);
        return Create(files, vocabulary, padToken, ClipPadding.Zeros, config, ClipConfigReader.ReadOpenClipPreprocess(preprocess));
    }

    private static ClipModelDirectory Create(
        Located files, ClipVocabulary vocabulary, string? padToken, ClipPadding layoutPadding, ClipModelConfig config, ClipPreprocessConfig preprocess)
    {
        var preprocessPath = files.PreprocessConfig;
        try
        {
            preprocess.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelLoadException($"{preprocessPath}: {e.Message}", e);
        }

        if (config.ImageSize is { } configSize && configSize != preprocess.ImageSize)
        {
            throw new ModelLoadException($"{preprocessPath} gives an image size of {preprocess.ImageSize}, but config.json says {configSize}.");
        }

        var padding = padToken switch
        {
            null => layoutPadding,
            ClipVocabulary.EndToken => ClipPadding.EndToken,
            _ when vocabulary.TryGetId(padToken, out var id) && id == 0 => ClipPadding.Zeros,
            _ => throw new ModelLoadException(
                $"{files.Root}: the tokenizer config's pad_token '{padToken}' is neither '{ClipVocabulary.EndToken}' nor the id-0 token; CLIP pads with one of those."),
        };
        var tokenizer = new ClipTokenizer(vocabulary, new ClipTokenizerOptions
        {
            ContextLength = config.ContextLength ?? ClipTokenizerOptions.DefaultContextLength,
            Padding = padding,
        });
        return new ClipModelDirectory(files, tokenizer, preprocess, config);
    }

    /// <summary>vocab.json + merges.txt when both are there (the canonical CLIP files), else tokenizer.json.</summary>
    private static (ClipVocabulary Vocabulary, string[] Files) LoadVocabulary(string folder)
    {
        var vocab = Path.Combine(folder, "vocab.json");
        var merges = Path.Combine(folder, "merges.txt");
        var tokenizerJson = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(vocab) && File.Exists(merges))
        {
            return (ClipVocabulary.FromVocabAndMerges(vocab, merges), [vocab, merges]);
        }

        if (File.Exists(tokenizerJson))
        {
            return (ClipVocabulary.FromTokenizerJson(tokenizerJson), [tokenizerJson]);
        }

        throw new ModelLoadException($"{folder}: the tokenizer is missing: expected vocab.json + merges.txt or tokenizer.json. Copy them from the model's export.");
    }

    private static string? ReadPadToken(List<string> sideFiles, params string[] candidates)
    {
        foreach (var candidate in candidates.Where(File.Exists))
        {
            sideFiles.Add(candidate);
            if (ClipConfigReader.ReadPadToken(candidate) is { } pad)
            {
                return pad;
            }
        }

        return null;
    }

    private static ClipModelConfig ReadConfig(List<string> sideFiles, string path, ClipLayout layout)
    {
        if (!File.Exists(path))
        {
            return ClipModelConfig.Unknown;
        }

        sideFiles.Add(path);
        return ClipConfigReader.ReadModelConfig(path, layout);
    }

    private static string Require(string path, string what) =>
        File.Exists(path) ? path : throw new ModelLoadException($"{path} is missing: it is {what}.");

    private sealed record Located(string Root, ClipLayout Layout, string TextModel, string VisionModel, string PreprocessConfig, IReadOnlyList<string> SideFiles);
}
