namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>Which queries an annotated benchmark (ICDAR2015, Total-Text) produces.</summary>
public enum WordQuerySet
{
    /// <summary>The MSTAR/TDSL set: the most frequent normalized words (100 for ICDAR2015, 60 for Total-Text).</summary>
    TopWords,

    /// <summary>Every normalized word of three or more characters.</summary>
    AllWords,

    /// <summary>Adjacent word pairs found in at least two images (ICDAR2015 only; see <see cref="PhraseQueryRule"/>).</summary>
    Phrases,
}
