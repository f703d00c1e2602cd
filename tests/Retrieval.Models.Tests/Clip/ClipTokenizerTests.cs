using System.Text;
using Retrieval.Models.Clip;
using Retrieval.Models.Onnx;
using Xunit.Abstractions;

namespace Retrieval.Models.Tests.Clip;

public sealed class ClipTokenizerTests(ITestOutputHelper output)
{
    /// <summary>Set to a real CLIP vocabulary (a folder with vocab.json + merges.txt or tokenizer.json, or OpenAI's bpe_simple_vocab_16e6.txt.gz).</summary>
    private const string RealVocabularyVariable = "RETRIEVAL_CLIP_VOCAB";

    private static readonly (string, string)[] Merges =
    [
        ("c", "a"), ("ca", "t</w>"), ("t", "h"), ("th", "e</w>"), ("a", "a"), ("i", "t</w>"), ("'", "s</w>"),
    ];

    private static readonly ClipVocabulary Small = SmallVocabulary(Merges);

    [Fact]
    public void A_word_the_merges_cover_is_one_token()
    {
        Tokenizer().Encode("cat").Should().Equal(Id("cat</w>"));
        Tokenizer().Encode("the cat").Should().Equal(Id("the</w>"), Id("cat</w>"));
    }

    [Fact]
    public void Merges_apply_in_rank_order_and_stop_when_no_adjacent_pair_is_ranked()
    {
        Tokenizer().Encode("cats").Should().Equal(Id("ca"), Id("t"), Id("s</w>"));
    }

    [Fact]
    public void A_pair_is_merged_left_to_right_without_overlap()
    {
        Tokenizer().Encode("aaa").Should().Equal(Id("aa"), Id("a</w>"));
        Tokenizer().Encode("aaaa").Should().Equal(Id("aa"), Id("a"), Id("a</w>"));
    }

    [Fact]
    public void Digits_are_split_one_per_token()
    {
        Tokenizer().Encode("2024").Should().Equal(Id("2</w>"), Id("0</w>"), Id("2</w>"), Id("4</w>"));
    }

    [Fact]
    public void Contractions_split_off_the_word_but_not_out_of_a_punctuation_run()
    {
        Tokenizer().Encode("it's").Should().Equal(Id("it</w>"), Id("'s</w>"));
        Tokenizer().Encode("IT'S").Should().Equal(Id("it</w>"), Id("'s</w>"));
        Tokenizer().Encode("!'s").Should().Equal(Id("!"), Id("'</w>"), Id("s</w>"));
    }

    [Fact]
    public void Non_ascii_text_is_encoded_through_its_utf8_bytes()
    {
        Tokenizer().Encode("é").Should().Equal(Bytes("é"));
        Tokenizer().Encode("東京").Should().Equal(Bytes("東京"));
    }

    [Fact]
    public void A_letter_outside_the_basic_plane_stays_in_its_word_and_an_emoji_does_not()
    {
        Tokenizer().Encode("𝐀b").Should().Equal(Bytes("𝐀b"));
        Tokenizer().Encode("🙂b").Should().Equal([.. Bytes("🙂"), .. Bytes("b")]);
    }

    [Fact]
    public void Special_tokens_written_in_the_text_become_their_ids()
    {
        var tokenizer = Tokenizer();
        tokenizer.Encode("a <|endoftext|> b").Should().Equal(Id("a</w>"), tokenizer.EndId, Id("b</w>"));
        tokenizer.Encode("<|STARTOFTEXT|>").Should().Equal(tokenizer.StartId);
    }

    [Fact]
    public void Cleanup_decodes_html_twice_collapses_whitespace_and_lower_cases()
    {
        ClipTokenizer.Clean("  Hello&amp;amp;World \t\n  X ").Should().Be("hello&world x");
        ClipTokenizer.Clean("Cafe\u0301").Should().Be("café");
    }

    [Fact]
    public void A_sequence_is_framed_and_padded_with_zeros_or_the_end_token()
    {
        var zeros = Tokenizer(ClipPadding.Zeros);
        var ids = new int[77];
        zeros.Tokenize("cat", ids).Should().Be(3);
        ids.Should().Equal([zeros.StartId, Id("cat</w>"), zeros.EndId, .. Enumerable.Repeat(0, 74)]);

        var end = Tokenizer(ClipPadding.EndToken);
        end.Tokenize("cat").Should().Equal([end.StartId, Id("cat</w>"), .. Enumerable.Repeat(end.EndId, 75)]);
        end.PadId.Should().Be(end.EndId);
    }

    [Fact]
    public void A_long_text_is_truncated_so_the_last_slot_still_holds_the_end_token()
    {
        var tokenizer = Tokenizer();
        var ids = new int[77];
        tokenizer.Tokenize(string.Join(' ', Enumerable.Repeat("cat", 100)), ids).Should().Be(77);
        ids[0].Should().Be(tokenizer.StartId);
        ids[1..76].Should().OnlyContain(id => id == Id("cat</w>"));
        ids[76].Should().Be(tokenizer.EndId);
    }

    [Fact]
    public void The_word_cache_keeps_each_word_once_stays_within_capacity_and_never_changes_results()
    {
        var uncached = Tokenizer(cacheCapacity: 0);
        var cached = Tokenizer(cacheCapacity: 2);
        cached.Encode("cat cat cat");
        cached.CachedWordCount.Should().Be(1);
        foreach (var text in new[] { "the cat", "aaa it's", "cats cat the", "2024 é" })
        {
            cached.Encode(text).Should().Equal(uncached.Encode(text));
            cached.CachedWordCount.Should().BeLessThanOrEqualTo(2);
        }

        uncached.CachedWordCount.Should().Be(0);
    }

    [Fact]
    public void A_vocabulary_missing_a_merge_result_is_refused_with_the_token_named()
    {
        var tokens = Small.Tokens.Where(t => t.Key != "cat</w>").ToDictionary(t => t.Key, t => t.Value);
        var act = () => ClipVocabulary.Create(tokens, Merges, "broken vocabulary");
        act.Should().Throw<ModelLoadException>().WithMessage("*broken vocabulary*'cat</w>'*");
    }

    [Fact]
    public void The_fixture_vocabulary_tokenizes_every_reference_text_as_the_python_reference_does()
    {
        var vocabulary = ClipVocabulary.FromVocabAndMerges(Path.Combine(ClipFixtures.HuggingFace, "vocab.json"), Path.Combine(ClipFixtures.HuggingFace, "merges.txt"));
        var endPadded = new ClipTokenizer(vocabulary, new ClipTokenizerOptions { Padding = ClipPadding.EndToken });
        var zeroPadded = new ClipTokenizer(ClipVocabulary.FromTokenizerJson(Path.Combine(ClipFixtures.OpenClip, "textual", "tokenizer.json")));
        endPadded.StartId.Should().Be(ClipFixtures.Reference.StartId);
        foreach (var reference in ClipFixtures.Reference.Texts)
        {
            endPadded.Encode(reference.Text).Should().Equal(reference.BpeIds, reference.Text);
            endPadded.Tokenize(reference.Text).Should().Equal(reference.IdsEndPadded, reference.Text);
            zeroPadded.Tokenize(reference.Text).Should().Equal(reference.IdsZeroPadded, reference.Text);
        }
    }

    [Fact]
    public void The_real_clip_vocabulary_gives_the_published_ids()
    {
        var path = Environment.GetEnvironmentVariable(RealVocabularyVariable);
        if (string.IsNullOrWhiteSpace(path) || !Path.Exists(path))
        {
            output.WriteLine($"SKIPPED: set {RealVocabularyVariable} to a CLIP vocabulary (folder with vocab.json + merges.txt or tokenizer.json, " +
                "or bpe_simple_vocab_16e6.txt.gz) to check the published token ids; none is available on this machine.");
            return;
        }

        var tokenizer = new ClipTokenizer(LoadReal(path));
        tokenizer.Vocabulary.Tokens.Should().HaveCount(49408);
        tokenizer.Tokenize("a photo of a cat")[..8].Should().Equal(49406, 320, 1125, 539, 320, 2368, 49407, 0);
    }

    private static ClipVocabulary LoadReal(string path)
    {
        if (File.Exists(path))
        {
            return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ClipVocabulary.FromTokenizerJson(path) : ClipVocabulary.FromOpenAiBpe(path);
        }

        var vocab = Path.Combine(path, "vocab.json");
        return File.Exists(vocab)
            ? ClipVocabulary.FromVocabAndMerges(vocab, Path.Combine(path, "merges.txt"))
            : ClipVocabulary.FromTokenizerJson(Path.Combine(path, "tokenizer.json"));
    }

    private static ClipTokenizer Tokenizer(ClipPadding padding = ClipPadding.Zeros, int cacheCapacity = 10_000) =>
        new(Small, new ClipTokenizerOptions { Padding = padding, CacheCapacity = cacheCapacity });

    private static int Id(string token) => Small.Tokens[token];

    /// <summary>The ids of one word with no merges applying: one byte symbol per UTF-8 byte, the last one with &lt;/w&gt;.</summary>
    private static int[] Bytes(string word)
    {
        var symbols = Encoding.UTF8.GetBytes(word).Select(b => ByteEncoding.ByByte[b].ToString()).ToArray();
        symbols[^1] += "</w>";
        return [.. symbols.Select(Id)];
    }

    private static ClipVocabulary SmallVocabulary((string, string)[] merges)
    {
        var tokens = new Dictionary<string, int>();
        foreach (var token in ByteEncoding.Symbols.Concat(ByteEncoding.Symbols.Select(s => s + "</w>")).Concat(merges.Select(m => m.Item1 + m.Item2)))
        {
            tokens.TryAdd(token, tokens.Count);
        }

        tokens.Add(ClipVocabulary.StartToken, tokens.Count);
        tokens.Add(ClipVocabulary.EndToken, tokens.Count);
        return ClipVocabulary.Create(tokens, merges, "test vocabulary");
    }
}
