using Retrieval.Models.Geometry;
using Retrieval.Models.Text;

namespace Retrieval.Search.Store;

/// <summary>An image as stored. <see cref="IndexedAt"/> is when it was last written.</summary>
public sealed record StoredImage(
    long Id,
    ImageKey Key,
    string Root,
    long Size,
    DateTimeOffset Modified,
    string? ContentHash,
    int Width,
    int Height,
    FrameSpan? FrameSpan,
    ImageStatus Status,
    string? Error,
    DateTimeOffset IndexedAt)
{
    public ImageSourceKind Kind => Key.Kind;
}

/// <summary>A stored line with its image, decoded lattice and words. <see cref="Ordinal"/> is its reading order in the image.</summary>
public sealed record StoredLine(
    long Id,
    long ImageId,
    ImageKey Image,
    int Ordinal,
    Quad Quad,
    string Text,
    float Confidence,
    ReadingLattice Lattice,
    IReadOnlyList<StoredWord> Words);

/// <summary>
/// A stored line as ranking reads it, by the thousand: its lattice with the few line facts scoring
/// uses, without words or the image's key (see <see cref="IIndexStore.GetLineLatticesAsync"/>).
/// </summary>
public sealed record StoredLattice(long LineId, long ImageId, int Ordinal, Quad Quad, string Text, ReadingLattice Lattice);

/// <summary>A stored word; <see cref="Ordinal"/> is its order in the line.</summary>
public sealed record StoredWord(int Ordinal, Quad Quad, string Text, float Confidence);

/// <summary>A stored embedding; <see cref="LineId"/> is set for line embeddings, <see cref="Region"/> for region embeddings.</summary>
public sealed record StoredEmbedding(
    long Id,
    long ImageId,
    EmbeddingOwnerKind Owner,
    long? LineId,
    Quad? Region,
    string ModelId,
    EmbeddingPrecision Precision,
    float[] Vector);

/// <summary>Record counts; <see cref="Failed"/> and <see cref="Incomplete"/> count images by status.</summary>
public sealed record IndexCounts(long Images, long Lines, long Words, long Failed, long Incomplete);

/// <summary>
/// What an index is and what built it. <see cref="Folding"/> is how its lattices were folded, so
/// queries fold the same way; <see cref="Models"/> maps model names to content hashes.
/// </summary>
public sealed record IndexInfo(
    string Location,
    int SchemaVersion,
    int LatticeFormatVersion,
    TextFolding Folding,
    IReadOnlyDictionary<string, string> Models,
    DateTimeOffset Created);

/// <summary>
/// A line that shares n-grams with a query term: <see cref="MatchedGrams"/> of the term's
/// <see cref="TotalGrams"/> distinct grams occur in the line's best reading or its alternatives.
/// A term misread by one character in the line still shares most of its grams.
/// </summary>
public readonly record struct LineCandidate(long LineId, int MatchedGrams, int TotalGrams);
