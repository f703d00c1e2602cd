using System.Globalization;
using System.Text;

namespace Retrieval.Models.Text;

/// <summary>
/// Which distinctions are dropped before text is compared. Lattices are folded when they are made
/// and queries the same way when they are parsed; the index records the flags it was built with.
/// Persisted: values are frozen.
/// </summary>
[Flags]
public enum TextFolding
{
    None = 0,

    /// <summary>Case folding ("EXIT" and "exit" are one symbol).</summary>
    Case = 1,

    /// <summary>Accents removed ("café" reads as "cafe").</summary>
    Accents = 2,

    /// <summary>Compatibility forms (NFKC): full-width "ＡＢＣ" is "abc", ligatures split.</summary>
    Width = 4,

    Default = Case | Width,
}

/// <summary>Applies a <see cref="TextFolding"/> to strings and to single symbols.</summary>
public static class Folding
{
    /// <summary>Folds a whole string (queries, readings): NFKC or NFC, case, accents, in that order.</summary>
    public static string Fold(string text, TextFolding folding)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Normalize((folding & TextFolding.Width) != 0 ? NormalizationForm.FormKC : NormalizationForm.FormC);
        if ((folding & TextFolding.Case) != 0)
        {
            s = s.ToLowerInvariant();
        }

        if ((folding & TextFolding.Accents) != 0)
        {
            var decomposed = s.Normalize(NormalizationForm.FormD);
            var sb = new StringBuilder(decomposed.Length);
            foreach (var c in decomposed)
            {
                if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                {
                    sb.Append(c);
                }
            }

            s = sb.ToString().Normalize(NormalizationForm.FormC);
        }

        return s;
    }

    /// <summary>
    /// Folds one symbol (a recognizer class) to one code point. A symbol that would fold to
    /// several characters (a ligature) or to none keeps its case-folded self, so a lattice
    /// step always holds single symbols.
    /// </summary>
    public static int FoldSymbol(int codePoint, TextFolding folding)
    {
        var folded = Fold(char.ConvertFromUtf32(codePoint), folding);
        if (folded.Length > 0 && Rune.TryGetRuneAt(folded, 0, out var rune) && rune.Utf16SequenceLength == folded.Length)
        {
            return rune.Value;
        }

        var lower = char.ConvertFromUtf32(codePoint).ToLowerInvariant();
        return Rune.TryGetRuneAt(lower, 0, out var r) && r.Utf16SequenceLength == lower.Length ? r.Value : codePoint;
    }
}
