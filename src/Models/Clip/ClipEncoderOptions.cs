using Retrieval.Models.Onnx;

namespace Retrieval.Models.Clip;

/// <summary>How CLIP towers are opened and run.</summary>
public sealed record ClipEncoderOptions
{
    public OnnxOptions Onnx { get; init; } = new();

    /// <summary>Texts or images per ONNX run. Exports whose batch axis is fixed at 1 (Immich's) run one at a time regardless.</summary>
    public int MaxBatchSize { get; init; } = 16;

    /// <summary>Overrides the export's resize mode; <see cref="ClipResizeMode.Longest"/> keeps small text near the edges of wide images.</summary>
    public ClipResizeMode? ResizeMode { get; init; }

    /// <summary>
    /// Feed text towers only up to the longest text's end token when the export's sequence axis is dynamic (optimum's
    /// Hugging Face exports): exact for CLIP's causal, end-token-pooled text tower, and several times cheaper for short queries.
    /// Exports with a fixed 77-token input always get 77.
    /// </summary>
    public bool TrimPadding { get; init; } = true;

    /// <summary>Sessions that run at the same time in this process (divides the cores between them, see <see cref="ModelSession.ThreadsFor"/>).</summary>
    public int ConcurrentSessions { get; init; } = 1;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Onnx, nameof(Onnx));
        Onnx.Validate();
        if (MaxBatchSize is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be 1..1024.");
        }

        if (ResizeMode is { } mode && !Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(ResizeMode), ResizeMode, "ResizeMode must be Shortest, Longest, Squash or unset (the export's own).");
        }

        if (ConcurrentSessions is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(ConcurrentSessions), ConcurrentSessions, "ConcurrentSessions must be 1..64.");
        }
    }
}
