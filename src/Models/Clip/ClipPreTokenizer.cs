using System.Globalization;
using System.Net;
using System.Text;

namespace Retrieval.Models.Clip;

/// <summary>
/// CLIP's text cleanup and word splitting (OpenAI's simple_tokenizer.py).
/// <para>Cleanup: HTML entities decoded twice, Unicode NFC, whitespace runs collapsed to one space and trimmed,
/// invariant lower-casing. Not replicated: ftfy's mojibake and encoding repair (fix_text does more than NFC), HTML5
/// entities outside HTML 4's set and entities without their ';' (Python's html.unescape decodes both), and Python's
/// context-sensitive lower-casing (final sigma, 'İ' → "i̇"); those affect only unusual input.</para>
/// <para>Splitting follows the pattern
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// (case-insensitive), scanned by Unicode scalar value rather than with .NET's Regex, whose \p{L} sees UTF-16 code
/// units and would class letters outside the BMP (𝐀, 𠀀) as symbols.</para>
/// </summary>
internal static class ClipPreTokenizer
{
    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    public static string Clean(string text)
    {
        text = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text)).Trim();
        text = text.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(rune.ToString());
        }

        return builder.ToString().ToLowerInvariant();
    }

    /// <summary>The pieces of cleaned text, in order; special tokens come back whole.</summary>
    public static IEnumerable<(string Piece, bool IsSpecial)> Split(string cleaned)
    {
        var i = 0;
        while (i < cleaned.Length)
        {
            if (StartsWith(cleaned, i, ClipVocabulary.StartToken) || StartsWith(cleaned, i, ClipVocabulary.EndToken))
            {
                var special = StartsWith(cleaned, i, ClipVocabulary.StartToken) ? ClipVocabulary.StartToken : ClipVocabulary.EndToken;
                yield return (special, true);
                i += special.Length;
                continue;
            }

            if (cleaned[i] == '\'' && Contractions.FirstOrDefault(c => StartsWith(cleaned, i, c)) is { } contraction)
            {
                yield return (cleaned.Substring(i, contraction.Length), false);
                i += contraction.Length;
                continue;
            }

            var kind = KindAt(cleaned, i, out var length);
            if (kind == CharKind.Space)
            {
                i += length;
                continue;
            }

            var start = i;
            i += length;
            if (kind == CharKind.Number)
            {
                // Digits are single tokens: "2024" is four pieces.
                yield return (cleaned[start..i], false);
                continue;
            }

            // Letters run together; so does anything that is neither letter, number nor space.
            while (i < cleaned.Length && KindAt(cleaned, i, out length) == kind)
            {
                i += length;
            }

            yield return (cleaned[start..i], false);
        }
    }

    private static bool StartsWith(string text, int index, string value) => text.AsSpan(index).StartsWith(value, StringComparison.Ordinal);

    private static CharKind KindAt(string text, int index, out int length)
    {
        if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out length) != System.Buffers.OperationStatus.Done)
        {
            // A lone surrogate: encoded as U+FFFD later, a symbol like any other.
            length = 1;
            return CharKind.Symbol;
        }

        if (Rune.IsWhiteSpace(rune))
        {
            return CharKind.Space;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharKind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharKind.Number,
            _ => CharKind.Symbol,
        };
    }

    private enum CharKind
    {
        Letter,
        Number,
        Symbol,
        Space,
    }
}
