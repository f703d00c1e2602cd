using Retrieval.Models.Clip;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Indexer.Pipeline;

/// <summary>How an indexing run adds CLIP embeddings (<c>retrieval index --embed</c>).</summary>
public sealed record EmbeddingOptions
{
    /// <summary>How vectors are stored: float16 (the default: half of float32, cosines within about 1e-3), float32, or int8 with a scale.</summary>
    public EmbeddingPrecision Precision { get; init; } = EmbeddingPrecision.Float16;

    /// <summary>Which text regions are embedded and how they are cropped.</summary>
    public ClipFocusOptions Focus { get; init; } = new();

    /// <summary>How the vision tower runs (device, threads, batch). Its resize mode is always <see cref="ClipResizeMode.Longest"/>: whole images are padded to a square, not cropped.</summary>
    public ClipEncoderOptions Encoder { get; init; } = new();

    /// <summary>Parallel embedding workers (they share one vision session, which is thread-safe).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>
    /// The model to embed with; null for the one registered in the index (<c>retrieval models add-clip</c>). Set by
    /// <c>index --rebuild --embed</c>, which reads the registration before the rebuild clears it and records it again.
    /// </summary>
    public ClipModelRegistration? Registration { get; init; }

    public void Validate()
    {
        if (!Enum.IsDefined(Precision))
        {
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "Precision must be Float32, Float16 or Int8.");
        }

        if (Workers is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "Embedding workers must be 1..64.");
        }

        ArgumentNullException.ThrowIfNull(Focus, nameof(Focus));
        ArgumentNullException.ThrowIfNull(Encoder, nameof(Encoder));
        Focus.Validate();
        Encoder.Validate();
    }
}
