using System.Globalization;
using System.Text;

namespace Retrieval.Search.Query;

/// <summary>
/// Classes of folded code points that query parsing and spotting agree on: which characters are
/// punctuation (trimmed from the ends of query words, optional inside them), which punctuation
/// marks the recognizer confuses with one another, and which scripts are written without spaces
/// between words (so a term in them has no word boundaries to check).
/// </summary>
internal static class SymbolClasses
{
    // Marks that read alike on signs and that the recognizer's dictionary holds in several forms;
    // a query written with one matches a line read with another.
    private static readonly int[][] Equivalents =
    [
        ['\'', '\u2019', '\u2018', '`', '\u00B4'],
        ['-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212'],
        ['"', '\u201C', '\u201D', '\u201E'],
        ['.', '\u00B7', '\u30FB'],
    ];

    /// <summary>Whether <paramref name="codePoint"/> is punctuation (Unicode category P*).</summary>
    public static bool IsPunctuation(int codePoint)
    {
        var category = Rune.GetUnicodeCategory(new Rune(codePoint));
        return category is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>Whether <paramref name="codePoint"/> is a character nothing can spot: a control or format character.</summary>
    public static bool IsIgnorable(int codePoint)
    {
        var category = Rune.GetUnicodeCategory(new Rune(codePoint));
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>
    /// Whether <paramref name="codePoint"/> belongs to a script written without spaces between
    /// words (Han, kana, Thai, Lao, Khmer, Myanmar): a run of them is one term and has no word
    /// boundaries.
    /// </summary>
    public static bool IsUnspaced(int codePoint) => codePoint switch
    {
        >= 0x2E80 and <= 0x2FDF => true, // CJK radicals, Kangxi radicals
        >= 0x3005 and <= 0x3007 => true, // 々 〆 〇
        >= 0x3040 and <= 0x30FF => true, // Hiragana, Katakana
        >= 0x31F0 and <= 0x31FF => true, // Katakana extensions
        >= 0x3400 and <= 0x4DBF => true, // CJK extension A
        >= 0x4E00 and <= 0x9FFF => true, // CJK unified ideographs
        >= 0xF900 and <= 0xFAFF => true, // CJK compatibility ideographs
        >= 0x20000 and <= 0x3134F => true, // CJK extensions B..G
        >= 0x0E00 and <= 0x0EFF => true, // Thai, Lao
        >= 0x1000 and <= 0x109F => true, // Myanmar
        >= 0x1780 and <= 0x17FF => true, // Khmer
        _ => false,
    };

    /// <summary>
    /// The marks a line may show where a query has <paramref name="codePoint"/>: itself first,
    /// then the marks it is commonly read as.
    /// </summary>
    public static int[] EquivalentsOf(int codePoint)
    {
        foreach (var group in Equivalents)
        {
            if (Array.IndexOf(group, codePoint) >= 0)
            {
                var result = new int[group.Length];
                result[0] = codePoint;
                var n = 1;
                foreach (var other in group)
                {
                    if (other != codePoint)
                    {
                        result[n++] = other;
                    }
                }

                return result;
            }
        }

        return [codePoint];
    }
}
