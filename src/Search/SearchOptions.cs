using Retrieval.Search.Scoring;

namespace Retrieval.Search;

/// <summary>How one search is answered.</summary>
public sealed record SearchOptions
{
    public static SearchOptions Default { get; } = new();

    /// <summary>Results to return.</summary>
    public int Top { get; init; } = 20;

    /// <summary>Results to skip (paging).</summary>
    public int Offset { get; init; }

    /// <summary>Candidate lines fetched per query word: bounds the work of one broad query.</summary>
    public int CandidatesPerTerm { get; init; } = 3000;

    /// <summary>Images scoring below this are not results (scores are calibrated to [0, 1]).</summary>
    public double MinScore { get; init; } = 0.05;

    /// <summary>Score every line instead of n-gram candidates (slow; for measuring candidate recall).</summary>
    public bool Exhaustive { get; init; }

    /// <summary>
    /// Threads that rank the candidate images of one query; 0 means one per core. Large candidate
    /// sets are split across them (scores do not depend on it); 1 keeps a query on one thread, for a
    /// server that would rather answer more queries at once than each one sooner.
    /// </summary>
    public int Parallelism { get; init; }

    /// <summary>How the text and CLIP channels are combined when the index has a CLIP channel; ignored without one.</summary>
    public FusionOptions Fusion { get; init; } = FusionOptions.Default;

    public void Validate()
    {
        if (Top is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Top), Top, "top must be 1..10000.");
        }

        if (Offset is < 0 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Offset), Offset, "offset must be 0..1000000.");
        }

        if (CandidatesPerTerm is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(CandidatesPerTerm), CandidatesPerTerm, "CandidatesPerTerm must be 1..1000000.");
        }

        if (Parallelism is < 0 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "Parallelism must be 0..256 (0: one thread per core).");
        }

        if (MinScore is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinScore), MinScore, "MinScore must be within [0, 1].");
        }

        ArgumentNullException.ThrowIfNull(Fusion, nameof(Fusion));
        Fusion.Validate();
    }
}
