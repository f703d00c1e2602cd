using Retrieval.Models.Native;

namespace Retrieval.Models.Text.Recognition;

/// <summary>How <see cref="TextRecognizer"/> reads lines. Defaults balance accuracy and speed as measured on ICDAR2015 (docs/BENCHMARKS.md).</summary>
public sealed record RecognizerOptions
{
    /// <summary>Crop height the recognizer model takes (PP-OCRv4: 48).</summary>
    public const int CropHeight = 48;

    /// <summary>Horizontal pixels per CTC time step (PP-OCRv4 downsamples width by 8).</summary>
    public const int StepWidth = 8;

    /// <summary>Crops per model run. Crops are sorted by aspect ratio first, so a batch pads little.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// A batch stops growing before more than this fraction of its tensor would be padding (beyond
    /// <see cref="TrailingPadding"/> and <see cref="MinBatchWidth"/>); 1 always fills batches to BatchSize.
    /// </summary>
    public float MaxBatchPadding { get; init; } = 0.25f;

    /// <summary>Narrowest crop, in pixels (a multiple of 8): a lone "I" still gets a few time steps.</summary>
    public int MinCropWidth { get; init; } = 16;

    /// <summary>Widest crop, in pixels (a multiple of 8); longer lines are squeezed horizontally to fit.</summary>
    public int MaxCropWidth { get; init; } = 1600;

    /// <summary>
    /// Each batch tensor is padded to at least this width (PaddleOCR uses 320); 0 pads only to the
    /// widest crop of the batch. Padding is zeros after normalization, i.e. mid-grey.
    /// </summary>
    public int MinBatchWidth { get; init; }

    /// <summary>
    /// Grow each line quad by this fraction of its height on every side before cutting it out. The
    /// model reads best with some background around the ink (ink-tight boxes lose spaces and edge
    /// letters); detector quads already carry a margin, so the default adds none.
    /// </summary>
    public float CropMargin { get; init; }

    /// <summary>
    /// Every crop gets at least this many pixels (a multiple of 8) of padding after it in its batch
    /// tensor: the model reads a crop's last letters better with some blank space after them.
    /// </summary>
    public int TrailingPadding { get; init; } = 16;

    /// <summary>Put back spaces that best-path decoding drops in wide gaps (see <see cref="CtcGreedyDecoder"/>); the lattice is unaffected.</summary>
    public bool RecoverSpaces { get; init; } = true;

    /// <summary>Most folded symbols kept per lattice step, most likely first.</summary>
    public int LatticeTopK { get; init; } = 4;

    /// <summary>Folded symbols below this probability are left out of the lattice.</summary>
    public float LatticeMinProbability { get; init; } = 0.002f;

    /// <summary>Which distinctions lattice symbols drop (the index records this).</summary>
    public TextFolding Folding { get; init; } = TextFolding.Default;

    /// <summary>Run the 0/180 degree direction classifier before recognition and turn lines it finds upside down.</summary>
    public bool UseDirectionClassifier { get; init; }

    /// <summary>A line is turned when the classifier gives "180 degrees" more than this probability (PaddleOCR: 0.9).</summary>
    public float DirectionThreshold { get; init; } = 0.9f;

    /// <summary>Lines whose confidence is below this are left out of the result; 0 keeps every line (its lattice still helps search).</summary>
    public float MinLineConfidence { get; init; }

    public void Validate()
    {
        var errors = new List<string>();
        if (BatchSize is < 1 or > 256)
        {
            errors.Add($"BatchSize must be 1..256, got {BatchSize}.");
        }

        if (!(MaxBatchPadding is >= 0f and <= 1f))
        {
            errors.Add($"MaxBatchPadding must be in [0, 1], got {MaxBatchPadding}.");
        }

        if (MinCropWidth < StepWidth || MinCropWidth % StepWidth != 0)
        {
            errors.Add($"MinCropWidth must be a positive multiple of {StepWidth}, got {MinCropWidth}.");
        }

        if (MaxCropWidth < MinCropWidth || MaxCropWidth % StepWidth != 0 || MaxCropWidth > 8192)
        {
            errors.Add($"MaxCropWidth must be a multiple of {StepWidth} between MinCropWidth ({MinCropWidth}) and 8192, got {MaxCropWidth}.");
        }

        if (MinBatchWidth < 0 || MinBatchWidth > MaxCropWidth)
        {
            errors.Add($"MinBatchWidth must be 0..MaxCropWidth ({MaxCropWidth}), got {MinBatchWidth}.");
        }

        if (!(CropMargin is >= 0f and <= 1f))
        {
            errors.Add($"CropMargin must be in [0, 1], got {CropMargin}.");
        }

        if (TrailingPadding < 0 || TrailingPadding % StepWidth != 0)
        {
            errors.Add($"TrailingPadding must be a non-negative multiple of {StepWidth}, got {TrailingPadding}.");
        }

        if (LatticeTopK is < 1 or > 255)
        {
            errors.Add($"LatticeTopK must be 1..255, got {LatticeTopK}.");
        }

        if (!(LatticeMinProbability is > 0f and < 1f))
        {
            errors.Add($"LatticeMinProbability must be in (0, 1), got {LatticeMinProbability}.");
        }

        if ((Folding & ~(TextFolding.Case | TextFolding.Accents | TextFolding.Width)) != 0)
        {
            errors.Add($"Folding has unknown flags: {Folding}.");
        }

        if (!(DirectionThreshold is >= 0.5f and < 1f))
        {
            errors.Add($"DirectionThreshold must be in [0.5, 1), got {DirectionThreshold}.");
        }

        if (!(MinLineConfidence is >= 0f and <= 1f))
        {
            errors.Add($"MinLineConfidence must be in [0, 1], got {MinLineConfidence}.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid recognizer options: " + string.Join(" ", errors));
        }
    }
}

/// <summary>The files a <see cref="TextRecognizer"/> loads.</summary>
/// <param name="Model">The CTC recognizer (ch_PP-OCRv4_rec_infer.onnx).</param>
/// <param name="Dictionary">Its dictionary, one symbol per line (ppocr_keys_v1.txt).</param>
/// <param name="DirectionClassifier">The 0/180 degree classifier (ch_ppocr_mobile_v2.0_cls_infer.onnx); needed only when <see cref="RecognizerOptions.UseDirectionClassifier"/> is set.</param>
public sealed record RecognizerModelFiles(string Model, string Dictionary, string? DirectionClassifier = null)
{
    /// <summary>The PP-OCRv4 files the build fetched into <see cref="RetrievalCache"/>.</summary>
    public static RecognizerModelFiles Default { get; } = new(
        Path.Combine(RetrievalCache.PaddleOcrModelsDirectory, "ch_PP-OCRv4_rec_infer.onnx"),
        Path.Combine(RetrievalCache.PaddleOcrModelsDirectory, "ppocr_keys_v1.txt"),
        Path.Combine(RetrievalCache.PaddleOcrModelsDirectory, "ch_ppocr_mobile_v2.0_cls_infer.onnx"));
}
