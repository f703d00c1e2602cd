using System.Security.Cryptography;
using Retrieval.Models.Native;

using Retrieval.Models.Onnx;

namespace Retrieval.Models;

/// <summary>
/// Where the text models are and what they are: the PP-OCRv4 detector, recognizer, direction
/// classifier and dictionary, from the cache the build fills or from a folder the user names.
/// Their hashes identify the models an index was made with.
/// </summary>
public sealed class ModelCatalog
{
    public const string DetectorFile = "ch_PP-OCRv4_det_infer.onnx";
    public const string RecognizerFile = "ch_PP-OCRv4_rec_infer.onnx";
    public const string ClassifierFile = "ch_ppocr_mobile_v2.0_cls_infer.onnx";
    public const string DictionaryFile = "ppocr_keys_v1.txt";

    private readonly Lazy<IReadOnlyDictionary<string, string>> hashes;

    private ModelCatalog(string directory)
    {
        Directory = directory;
        hashes = new Lazy<IReadOnlyDictionary<string, string>>(ComputeHashes);
    }

    public string Directory { get; }

    public string DetectorPath => Path.Combine(Directory, DetectorFile);

    public string RecognizerPath => Path.Combine(Directory, RecognizerFile);

    public string ClassifierPath => Path.Combine(Directory, ClassifierFile);

    public string DictionaryPath => Path.Combine(Directory, DictionaryFile);

    /// <summary>File name to lower-case hex SHA-256 of the detector, recognizer and dictionary (what shapes an index).</summary>
    public IReadOnlyDictionary<string, string> Hashes => hashes.Value;

    /// <summary>The models in <paramref name="directory"/>, or the ones the build fetched when it is null.</summary>
    public static ModelCatalog Open(string? directory = null)
    {
        var dir = Path.GetFullPath(directory ?? RetrievalCache.PaddleOcrModelsDirectory);
        var catalog = new ModelCatalog(dir);
        var missing = new[] { DetectorFile, RecognizerFile, DictionaryFile }
            .Where(f => !File.Exists(Path.Combine(dir, f)))
            .ToList();
        if (missing.Count > 0)
        {
            var fix = directory is null
                ? "Build the solution (it fetches the models) or run 'bash build/fetch-native-deps.sh'."
                : "Point --models at a folder with the PP-OCRv4 files, or leave it out to use the fetched ones.";
            throw new ModelLoadException($"Model files missing in {dir}: {string.Join(", ", missing)}. {fix}");
        }

        return catalog;
    }

    private Dictionary<string, string> ComputeHashes()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in new[] { DetectorFile, RecognizerFile, DictionaryFile })
        {
            using var stream = File.OpenRead(Path.Combine(Directory, file));
            result[file] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        return result;
    }
}
