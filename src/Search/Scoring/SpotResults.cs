using Retrieval.Models.Geometry;

namespace Retrieval.Search.Scoring;

/// <summary>How a pattern was found in a line.</summary>
public enum MatchKind
{
    /// <summary>Between word boundaries (or line ends); any match of a term in a script without spaces.</summary>
    WholeWord = 1,

    /// <summary>Inside a longer word ("re16" in "re16tgk").</summary>
    Substring = 2,
}

/// <summary>
/// A line's score for a pattern. <see cref="Score"/> is calibrated to [0, 1] as described on
/// <see cref="SpottingOptions"/>; the probabilities are the raw chances that the line contains the
/// pattern as a whole word and anywhere (whole word &lt;= substring).
/// </summary>
public readonly record struct TermScore(double Score, MatchKind Kind, double WholeWordProbability, double SubstringProbability)
{
    public static TermScore None { get; } = new(0, MatchKind.Substring, 0, 0);
}

/// <summary>
/// Where in a line the best match lies. Steps are lattice steps (inclusive); <see cref="From"/>
/// and <see cref="To"/> are fractions of the line's reading direction that cover the matched
/// characters whole (a CTC peak marks a character's middle, so the steps are widened by half a
/// character on each side), ready for <see cref="Quad.Slice"/>.
/// </summary>
/// <param name="StartStep">First step of the first matched character.</param>
/// <param name="EndStep">Last step of the last matched character.</param>
/// <param name="Steps">Number of steps of the lattice (T).</param>
/// <param name="From">Start of the match as a fraction of the line, at most StartStep / T.</param>
/// <param name="To">End of the match as a fraction of the line, at least (EndStep + 1) / T.</param>
/// <param name="Text">The recognizer's best reading of the matched steps (folded).</param>
public sealed record SpotSpan(int StartStep, int EndStep, int Steps, float From, float To, string Text)
{
    /// <summary>The match's box inside <paramref name="line"/> (the quad of the line the lattice belongs to).</summary>
    public Quad BoxIn(Quad line) => line.Slice(From, To);
}

/// <summary>A line's score for a pattern and, when it was located, where the match lies.</summary>
public sealed record SpotResult(TermScore Score, SpotSpan? Span);
