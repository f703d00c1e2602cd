using System.IO.Compression;
using System.Text.Json;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Clip;

/// <summary>
/// The data of a CLIP byte-level BPE tokenizer: token → id and the ranked merges. Loads the three formats CLIP
/// exports ship (vocab.json + merges.txt, a Hugging Face tokenizer.json, OpenAI's bpe_simple_vocab_16e6.txt[.gz])
/// and checks them as the reference tokenizers do: every byte symbol, its <c>&lt;/w&gt;</c> form, both special
/// tokens and every merge's parts and result must be in the vocabulary, so encoding can never meet an unknown piece.
/// </summary>
public sealed class ClipVocabulary
{
    public const string StartToken = "<|startoftext|>";
    public const string EndToken = "<|endoftext|>";
    public const string WordEnd = "</w>";

    /// <summary>OpenAI's tokenizer reads this many merges from its file (49152 - 256 - 2).</summary>
    private const int OpenAiMergeCount = 48894;

    private ClipVocabulary(Dictionary<string, int> tokens, List<(string Left, string Right)> merges, string source)
    {
        Tokens = tokens;
        Merges = merges;
        Source = source;
        foreach (var symbol in ByteEncoding.Symbols)
        {
            Require(symbol);
            Require(symbol + WordEnd);
        }

        StartId = Require(StartToken);
        EndId = Require(EndToken);
        foreach (var (left, right) in merges)
        {
            Require(left);
            Require(right);
            Require(left + right);
        }
    }

    public IReadOnlyDictionary<string, int> Tokens { get; }

    /// <summary>Merges in rank order (earlier merges apply first).</summary>
    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    /// <summary>The file(s) this came from, for error messages.</summary>
    public string Source { get; }

    public int StartId { get; }

    public int EndId { get; }

    public static ClipVocabulary Create(IReadOnlyDictionary<string, int> tokens, IEnumerable<(string Left, string Right)> merges, string source) =>
        new(new Dictionary<string, int>(tokens, StringComparer.Ordinal), [.. merges], source);

    /// <summary>Hugging Face's slow-tokenizer files: a JSON object token → id, and one merge "a b" per line after a "#version" header.</summary>
    public static ClipVocabulary FromVocabAndMerges(string vocabJsonPath, string mergesPath)
    {
        var source = $"{vocabJsonPath} + {mergesPath}";
        Dictionary<string, int> tokens;
        try
        {
            tokens = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJsonPath))
                ?? throw new ModelLoadException($"{vocabJsonPath}: expected a JSON object of token -> id.");
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{vocabJsonPath}: not a JSON object of token -> id: {e.Message}", e);
        }

        var merges = ParseMergeLines(File.ReadLines(mergesPath), mergesPath, int.MaxValue);
        return new ClipVocabulary(new Dictionary<string, int>(tokens, StringComparer.Ordinal), merges, source);
    }

    /// <summary>A Hugging Face <c>tokenizer.json</c> whose model is CLIP's BPE (merges as "a b" strings or [a, b] pairs).</summary>
    public static ClipVocabulary FromTokenizerJson(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!document.RootElement.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException($"{path}: no 'model' object; expected a Hugging Face tokenizer.json.");
            }

            if (model.TryGetProperty("type", out var type) && type.GetString() != "BPE")
            {
                throw new ModelLoadException($"{path}: the tokenizer model is '{type.GetString()}', CLIP needs 'BPE'.");
            }

            if (model.TryGetProperty("end_of_word_suffix", out var suffix) && suffix.ValueKind == JsonValueKind.String && suffix.GetString() != WordEnd)
            {
                throw new ModelLoadException($"{path}: end_of_word_suffix is '{suffix.GetString()}', CLIP's BPE uses '{WordEnd}'.");
            }

            if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object ||
                !model.TryGetProperty("merges", out var mergeArray) || mergeArray.ValueKind != JsonValueKind.Array)
            {
                throw new ModelLoadException($"{path}: model.vocab (object) and model.merges (array) are required.");
            }

            var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var entry in vocab.EnumerateObject())
            {
                tokens[entry.Name] = entry.Value.GetInt32();
            }

            var merges = new List<(string, string)>(mergeArray.GetArrayLength());
            foreach (var merge in mergeArray.EnumerateArray())
            {
                merges.Add(merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                    ? (merge[0].GetString()!, merge[1].GetString()!)
                    : SplitMerge(merge.GetString() ?? string.Empty, path));
            }

            return new ClipVocabulary(tokens, merges, path);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ModelLoadException($"{path}: not a valid tokenizer.json: {e.Message}", e);
        }
    }

    /// <summary>
    /// OpenAI's <c>bpe_simple_vocab_16e6.txt</c> (optionally gzipped): merges only; the vocabulary is rebuilt as OpenAI
    /// does (byte symbols, their &lt;/w&gt; forms, one token per merge, then the two special tokens).
    /// </summary>
    public static ClipVocabulary FromOpenAiBpe(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        // OpenAI skips the first line (a version header) unconditionally.
        var merges = ParseMergeLines(lines.Skip(1), path, OpenAiMergeCount);
        var ordered = ByteEncoding.Symbols
            .Concat(ByteEncoding.Symbols.Select(s => s + WordEnd))
            .Concat(merges.Select(m => m.Left + m.Right))
            .Append(StartToken)
            .Append(EndToken);
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in ordered)
        {
            tokens.TryAdd(token, tokens.Count);
        }

        return new ClipVocabulary(tokens, merges, path);
    }

    public bool TryGetId(string token, out int id) => Tokens.TryGetValue(token, out id);

    private static List<(string Left, string Right)> ParseMergeLines(IEnumerable<string> lines, string path, int limit)
    {
        var merges = new List<(string, string)>();
        foreach (var line in lines)
        {
            if (merges.Count >= limit)
            {
                break;
            }

            if (line.Length == 0 || line.StartsWith("#version", StringComparison.Ordinal))
            {
                continue;
            }

            merges.Add(SplitMerge(line.TrimEnd('\r'), path));
        }

        return merges;
    }

    private static (string, string) SplitMerge(string merge, string path)
    {
        var parts = merge.Split(' ');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0
            ? (parts[0], parts[1])
            : throw new ModelLoadException($"{path}: the merge '{merge}' is not two symbols separated by one space.");
    }

    private int Require(string token) =>
        Tokens.TryGetValue(token, out var id)
            ? id
            : throw new ModelLoadException($"{Source}: the token '{token}' is missing from the vocabulary; this is not a complete CLIP BPE vocabulary.");
}
