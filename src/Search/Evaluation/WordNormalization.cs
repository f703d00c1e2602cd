using System.Text;

namespace Retrieval.Search.Evaluation;

/// <summary>How ground-truth transcriptions become query words.</summary>
public enum WordNormalization
{
    /// <summary>Lower-cased only (the SVT retrieval query set).</summary>
    LowerCase,

    /// <summary>
    /// The rule of TDSL (Wang et al., CVPR 2021) and MSTAR (2025) for ICDAR2015 and Total-Text:
    /// lower-cased, the characters <c>. # ! &amp; $</c> removed, then surrounding quotes
    /// (<c>'</c>, <c>"</c>) stripped.
    /// </summary>
    Mstar,
}

/// <summary>Applies a <see cref="WordNormalization"/>; lengths are counted in Unicode code points.</summary>
public static class WordNormalizer
{
    private const string MstarRemoved = ".#!&$";

    public static string Normalize(string text, WordNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lower = text.ToLowerInvariant();
        if (normalization == WordNormalization.LowerCase)
        {
            return lower;
        }

        var sb = new StringBuilder(lower.Length);
        foreach (var c in lower)
        {
            if (!MstarRemoved.Contains(c, StringComparison.Ordinal))
            {
                sb.Append(c);
            }
        }

        return sb.ToString().Trim('\'', '"');
    }

    public static int CodePointLength(string text)
    {
        var n = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            n++;
        }

        return n;
    }
}
