namespace Retrieval.Search.Scoring;

/// <summary>How the lattice (text) channel and the CLIP channel are combined. Named on the command line (<c>--fusion</c>).</summary>
public enum FusionMethod
{
    /// <summary>Text only, even when the index has CLIP embeddings: exactly the ranking without CLIP.</summary>
    Off = 0,

    /// <summary>(1 - w) · text score + w · calibrated CLIP score.</summary>
    Weighted = 1,

    /// <summary>Reciprocal rank fusion: (1 - w) / (k + text rank) + w / (k + CLIP rank), scaled so 1 is first in both.</summary>
    Rrf = 2,
}

/// <summary>
/// The fusion of the two channels in <see cref="Searcher"/>. Used only when the index has a CLIP channel (a registered
/// model and its embeddings); without one the search is text-only whatever these say.
/// </summary>
public sealed record FusionOptions
{
    public static FusionOptions Default { get; } = new();

    /// <summary>
    /// Chosen by measurement (docs/BENCHMARKS.md, "CLIP channel"): on ICDAR2015 with a CLIP model that carries no
    /// signal, weighted fusion at w = 0.1 left the lattice ranking's mAP where it was (within 0.5 points on every
    /// query set), w = 0.2 cost up to 1.1 points, and reciprocal rank fusion cost 9 to 25 points even at w = 0.2,
    /// because it turns the noise channel's ranks into as much evidence as the text channel's.
    /// </summary>
    public FusionMethod Method { get; init; } = FusionMethod.Weighted;

    /// <summary>w: the CLIP channel's share of the fused score, in [0, 1] (see <see cref="Method"/> for why 0.1).</summary>
    public double ClipWeight { get; init; } = 0.1;

    /// <summary>k of reciprocal rank fusion: larger flattens the advantage of the first ranks.</summary>
    public int RrfK { get; init; } = 60;

    /// <summary>Images the CLIP channel proposes per query (besides those the text channel finds); at least a page is taken.</summary>
    public int ClipCandidates { get; init; } = 100;

    /// <summary>
    /// Calibration of a CLIP similarity into [0, 1]: its z-score among all images' similarities for the query goes
    /// through a logistic centred here, so an image this many standard deviations above the mean scores 0.5. Raw
    /// cosines of a CLIP model sit in a narrow model-dependent band; the z-score makes them comparable across queries and models.
    /// </summary>
    public double CalibrationCenter { get; init; } = 3.0;

    /// <summary>The logistic's spread, in standard deviations.</summary>
    public double CalibrationScale { get; init; } = 0.5;

    /// <summary>Throws one <see cref="ArgumentException"/> naming every invalid option.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Method))
        {
            errors.Add($"fusion must be off, weighted or rrf (got {(int)Method}).");
        }

        if (ClipWeight is < 0 or > 1 || double.IsNaN(ClipWeight))
        {
            errors.Add($"clip weight must be within [0, 1] (got {ClipWeight}).");
        }

        if (RrfK is < 1 or > 10_000)
        {
            errors.Add($"RrfK must be 1..10000 (got {RrfK}).");
        }

        if (ClipCandidates is < 0 or > 100_000)
        {
            errors.Add($"ClipCandidates must be 0..100000 (got {ClipCandidates}).");
        }

        if (!double.IsFinite(CalibrationCenter) || CalibrationScale is <= 0 or > 100 || double.IsNaN(CalibrationScale))
        {
            errors.Add($"CalibrationCenter must be finite and CalibrationScale in (0, 100] (got {CalibrationCenter}, {CalibrationScale}).");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid fusion options: " + string.Join(" ", errors));
        }
    }
}
