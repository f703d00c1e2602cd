using System.Collections.Concurrent;
using System.Text;

namespace Retrieval.Models.Clip;

/// <summary>How a <see cref="ClipTokenizer"/> frames token sequences.</summary>
public sealed record ClipTokenizerOptions
{
    public const int DefaultContextLength = 77;

    /// <summary>Tokens per sequence, start and end tokens included (CLIP: 77).</summary>
    public int ContextLength { get; init; } = DefaultContextLength;

    public ClipPadding Padding { get; init; } = ClipPadding.Zeros;

    /// <summary>Distinct words whose BPE result is kept; the cache is emptied when it is full.</summary>
    public int CacheCapacity { get; init; } = 10_000;

    public void Validate()
    {
        if (ContextLength is < 2 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(ContextLength), ContextLength, "ContextLength must be 2..4096 (start and end tokens need two).");
        }

        if (!Enum.IsDefined(Padding))
        {
            throw new ArgumentOutOfRangeException(nameof(Padding), Padding, "Padding must be Zeros or EndToken.");
        }

        if (CacheCapacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CacheCapacity), CacheCapacity, "CacheCapacity must not be negative (0 disables the cache).");
        }
    }
}

/// <summary>
/// CLIP's byte-level BPE tokenizer, to the behaviour of OpenAI's simple_tokenizer.py and Hugging Face's
/// CLIPTokenizer: clean and lower-case the text (<see cref="ClipPreTokenizer"/> lists what of ftfy is not replicated),
/// split it into words, map each word's UTF-8 bytes to symbols, apply the ranked merges with the <c>&lt;/w&gt;</c>
/// word-end marker, and frame the ids as [start, ..., end, padding] in <see cref="ClipTokenizerOptions.ContextLength"/>
/// slots; longer texts are cut so the last slot still holds the end token. Thread-safe.
/// </summary>
public sealed class ClipTokenizer
{
    private readonly Dictionary<(string, string), int> ranks;
    private readonly ConcurrentDictionary<string, int[]> cache = new(StringComparer.Ordinal);
    private readonly int cacheCapacity;

    public ClipTokenizer(ClipVocabulary vocabulary, ClipTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        options ??= new ClipTokenizerOptions();
        options.Validate();
        Vocabulary = vocabulary;
        ContextLength = options.ContextLength;
        Padding = options.Padding;
        cacheCapacity = options.CacheCapacity;
        ranks = new Dictionary<(string, string), int>(vocabulary.Merges.Count);
        for (var i = 0; i < vocabulary.Merges.Count; i++)
        {
            ranks.TryAdd(vocabulary.Merges[i], i);
        }
    }

    public ClipVocabulary Vocabulary { get; }

    public int ContextLength { get; }

    public ClipPadding Padding { get; }

    public int StartId => Vocabulary.StartId;

    public int EndId => Vocabulary.EndId;

    public int PadId => Padding == ClipPadding.EndToken ? Vocabulary.EndId : 0;

    /// <summary>Words whose BPE result is cached now (for tests and diagnostics).</summary>
    internal int CachedWordCount => cache.Count;

    /// <summary>The text cleanup CLIP applies before splitting (HTML entities, NFC, whitespace, lower case).</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ClipPreTokenizer.Clean(text);
    }

    /// <summary>The BPE ids of <paramref name="text"/>, without start and end tokens and without truncation.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        foreach (var (piece, isSpecial) in ClipPreTokenizer.Split(ClipPreTokenizer.Clean(text)))
        {
            ids.AddRange(isSpecial ? [piece == ClipVocabulary.StartToken ? StartId : EndId] : Bpe(piece));
        }

        return ids;
    }

    /// <summary>The framed sequence: <see cref="ContextLength"/> ids.</summary>
    public int[] Tokenize(string text)
    {
        var ids = new int[ContextLength];
        Tokenize(text, ids);
        return ids;
    }

    /// <summary>
    /// Writes [start, ids..., end, pad...] into the first <see cref="ContextLength"/> slots of <paramref name="destination"/>
    /// and returns how many are real tokens (start and end included): the attention-mask length.
    /// </summary>
    public int Tokenize(string text, Span<int> destination)
    {
        if (destination.Length < ContextLength)
        {
            throw new ArgumentException($"The destination needs {ContextLength} slots, it has {destination.Length}.", nameof(destination));
        }

        var ids = Encode(text);
        var body = Math.Min(ids.Count, ContextLength - 2);
        destination[0] = StartId;
        for (var i = 0; i < body; i++)
        {
            destination[i + 1] = ids[i];
        }

        destination[body + 1] = EndId;
        destination[(body + 2)..ContextLength].Fill(PadId);
        return body + 2;
    }

    private int[] Bpe(string word)
    {
        if (cache.TryGetValue(word, out var cached))
        {
            return cached;
        }

        var bytes = Encoding.UTF8.GetBytes(word);
        var symbols = new List<string>(bytes.Length);
        foreach (var b in bytes)
        {
            symbols.Add(ByteEncoding.ByByte[b].ToString());
        }

        symbols[^1] += ClipVocabulary.WordEnd;
        while (symbols.Count > 1)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && rank < bestRank)
                {
                    bestRank = rank;
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            MergeAll(symbols, symbols[best], symbols[best + 1], best);
        }

        var result = new int[symbols.Count];
        for (var i = 0; i < result.Length; i++)
        {
            // ClipVocabulary guarantees every byte symbol, </w> form and merge result is present.
            result[i] = Vocabulary.Tokens[symbols[i]];
        }

        if (cacheCapacity > 0)
        {
            if (cache.Count >= cacheCapacity)
            {
                cache.Clear();
            }

            cache.TryAdd(word, result);
        }

        return result;
    }

    /// <summary>Merges every non-overlapping occurrence of (left, right), left to right, from the first one at <paramref name="from"/>.</summary>
    private static void MergeAll(List<string> symbols, string left, string right, int from)
    {
        var write = from;
        for (var read = from; read < symbols.Count; write++)
        {
            if (read + 1 < symbols.Count && symbols[read] == left && symbols[read + 1] == right)
            {
                symbols[write] = left + right;
                read += 2;
            }
            else
            {
                symbols[write] = symbols[read];
                read++;
            }
        }

        symbols.RemoveRange(write, symbols.Count - write);
    }
}
