using Retrieval.Models.Native;

namespace Retrieval.Search.Scoring;

/// <summary>The lexicon file is missing or unreadable.</summary>
public sealed class LexiconUnavailableException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// A set of known words (folded: lower case), used to tell whether a term found inside a longer
/// reading is part of another word ("our" in "your") or glued to its neighbours by a dropped space
/// ("our" in "fromour"). The default is the English word list the build fetches
/// (<see cref="RetrievalCache.LexiconPath"/>); <see cref="Empty"/> turns the distinction off.
/// Immutable and thread-safe.
/// </summary>
public sealed class WordLexicon
{
    private static readonly Lazy<WordLexicon> Shared = new(() => Load(RetrievalCache.LexiconPath), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly HashSet<string> words;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public WordLexicon(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        this.words = new HashSet<string>(words.Where(w => w.Length > 0).Select(w => w.ToLowerInvariant()), StringComparer.Ordinal);
        lookup = this.words.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>No words: every fragment is "unknown", and scores are those of the lattice alone.</summary>
    public static WordLexicon Empty { get; } = new([]);

    /// <summary>The build's English word list, loaded once; throws <see cref="LexiconUnavailableException"/> when it is missing.</summary>
    public static WordLexicon Default => Shared.Value;

    public int Count => words.Count;

    public bool Contains(ReadOnlySpan<char> word) => lookup.Contains(word);

    /// <summary>Reads a word list: one word per line, '#' comments and blank lines ignored.</summary>
    public static WordLexicon Load(string path)
    {
        try
        {
            return new WordLexicon(File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LexiconUnavailableException(
                $"The word list {path} could not be read ({e.Message}). Run the build (it fetches the list) or `bash build/fetch-native-deps.sh`, or set {RetrievalCache.EnvironmentVariable} to the folder that holds lexicon-scowl-50/.", e);
        }
    }
}
