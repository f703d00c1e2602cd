namespace Retrieval.Models.Text.Detection;

/// <summary>How <see cref="DetectorOptions.LimitSideLength"/> bounds the model's input size (PaddleOCR's det_limit_type).</summary>
public enum DetectionLimitType
{
    /// <summary>Shrink so the longer side is at most the limit; never enlarge.</summary>
    Max = 0,

    /// <summary>Enlarge so the shorter side is at least the limit; never shrink (except to respect <see cref="DetectorOptions.MaxSideLimit"/>).</summary>
    Min = 1,

    /// <summary>Scale so the longer side equals the limit, enlarging small images and shrinking large ones (PaddleOCR's resize_long).</summary>
    ResizeLong = 2,
}

/// <summary>How a candidate box is scored against the probability map.</summary>
public enum BoxScoreMode
{
    /// <summary>Mean probability over the pixels of the box's bounding rectangle that lie inside the box (PaddleOCR "fast").</summary>
    Fast = 0,

    /// <summary>Mean probability over the connected component's own pixels (PaddleOCR "slow": inside the contour).</summary>
    Polygon = 1,
}

/// <summary>
/// Settings of the DB text detector: input sizing, binarization and box filtering. Defaults were
/// chosen on the ICDAR2015 dev photos (docs/BENCHMARKS.md, bench command <c>detect</c>): PaddleOCR's
/// thresholds, but the input is enlarged so its shorter side is 960 (1280x720 runs at 1696x960)
/// and capped at 1920 on the longer side; small text is the main miss and the model finds it better
/// at that scale (Hmean 0.42 -> 0.47, recall of words under 12 px 0.05 -> 0.22) for about three
/// times the model time of PaddleOCR's 960 limit. <see cref="PaddleOcr"/> is PaddleOCR's own preset,
/// the cheaper choice.
/// </summary>
public sealed record DetectorOptions
{
    /// <summary>PaddleOCR's PP-OCRv4 inference defaults (limit max 960, thresh 0.3, box 0.6, unclip 1.5).</summary>
    public static DetectorOptions PaddleOcr { get; } = new()
    {
        LimitType = DetectionLimitType.Max,
        LimitSideLength = 960,
        MaxSideLimit = 4000,
        BinarizationThreshold = 0.3f,
        BoxThreshold = 0.6f,
        UnclipRatio = 1.5f,
        UseDilation = false,
        ScoreMode = BoxScoreMode.Fast,
        TileSize = 0,
    };

    public DetectionLimitType LimitType { get; init; } = DetectionLimitType.Min;

    /// <summary>The side length the limit type refers to, in pixels (rounded to multiples of 32 after scaling).</summary>
    public int LimitSideLength { get; init; } = 960;

    /// <summary>Cap on the longer side of the model input (about: sides are rounded to 32), whatever the limit type says; bounds time and memory on large images.</summary>
    public int MaxSideLimit { get; init; } = 1920;

    /// <summary>Probability above which a map pixel counts as text.</summary>
    public float BinarizationThreshold { get; init; } = 0.3f;

    /// <summary>Boxes whose score is below this are dropped.</summary>
    public float BoxThreshold { get; init; } = 0.6f;

    /// <summary>DB unclip: the shrunk text kernel is grown by area * ratio / perimeter on each side.</summary>
    public float UnclipRatio { get; init; } = 1.5f;

    /// <summary>At most this many connected components are turned into boxes.</summary>
    public int MaxCandidates { get; init; } = 1000;

    /// <summary>Candidates whose short side (in map pixels) is below this are dropped; after unclipping the bound is this + 2.</summary>
    public int MinBoxSize { get; init; } = 3;

    /// <summary>Dilate the binary map with a 2x2 kernel before finding components (joins broken strokes).</summary>
    public bool UseDilation { get; init; }

    public BoxScoreMode ScoreMode { get; init; } = BoxScoreMode.Fast;

    /// <summary>
    /// When positive (a multiple of 32), a model input larger than this on either side is run as
    /// overlapping tiles of at most this size and the probability maps are stitched; 0 runs the whole
    /// input at once.
    /// </summary>
    public int TileSize { get; init; }

    /// <summary>Overlap between neighbouring tiles, in model-input pixels.</summary>
    public int TileOverlap { get; init; } = 96;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming every invalid setting at once.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(LimitType))
        {
            errors.Add($"LimitType must be Max, Min or ResizeLong, not {LimitType}.");
        }

        if (LimitSideLength is < 32 or > 16384)
        {
            errors.Add($"LimitSideLength must be 32..16384 pixels, not {LimitSideLength}.");
        }

        if (MaxSideLimit < 32 || MaxSideLimit > 16384 || (MaxSideLimit < LimitSideLength && LimitType != DetectionLimitType.Max))
        {
            errors.Add($"MaxSideLimit must be 32..16384 and, for limit types Min and ResizeLong, at least LimitSideLength; it is {MaxSideLimit}.");
        }

        if (!(BinarizationThreshold is > 0f and < 1f))
        {
            errors.Add($"BinarizationThreshold must be between 0 and 1 (exclusive), not {BinarizationThreshold}.");
        }

        if (!(BoxThreshold is >= 0f and <= 1f))
        {
            errors.Add($"BoxThreshold must be in 0..1, not {BoxThreshold}.");
        }

        if (!(UnclipRatio is >= 0f and <= 10f))
        {
            errors.Add($"UnclipRatio must be in 0..10, not {UnclipRatio}.");
        }

        if (MaxCandidates < 1)
        {
            errors.Add($"MaxCandidates must be at least 1, not {MaxCandidates}.");
        }

        if (MinBoxSize is < 0 or > 1000)
        {
            errors.Add($"MinBoxSize must be 0..1000 map pixels, not {MinBoxSize}.");
        }

        if (!Enum.IsDefined(ScoreMode))
        {
            errors.Add($"ScoreMode must be Fast or Polygon, not {ScoreMode}.");
        }

        if (TileSize != 0 && (TileSize < 64 || TileSize % 32 != 0))
        {
            errors.Add($"TileSize must be 0 (no tiling) or a multiple of 32 of at least 64, not {TileSize}.");
        }

        if (TileSize != 0 && (TileOverlap < 0 || TileOverlap > TileSize / 2))
        {
            errors.Add($"TileOverlap must be 0..TileSize/2 ({TileSize / 2}), not {TileOverlap}.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DetectorOptions), "Invalid detector options: " + string.Join(" ", errors));
        }
    }
}
