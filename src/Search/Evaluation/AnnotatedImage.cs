using Retrieval.Models.Geometry;

namespace Retrieval.Search.Evaluation;

/// <summary>One ground-truth word: its transcription as annotated and its outline in image pixels.</summary>
public sealed record AnnotatedWord(string Text, IReadOnlyList<PointF> Polygon)
{
    /// <summary>The transcription the ICDAR-family formats use for an illegible, "don't care" region.</summary>
    public const string IllegibleMark = "###";

    /// <summary>Illegible regions are never queries and never make an image relevant.</summary>
    public bool IsIllegible => Text == IllegibleMark;

    public float MinX => Polygon.Min(p => p.X);

    public float MaxX => Polygon.Max(p => p.X);

    public float MinY => Polygon.Min(p => p.Y);

    public float MaxY => Polygon.Max(p => p.Y);
}

/// <summary>
/// The ground truth of one image as a format states it: <paramref name="ImageName"/> is the name the
/// annotation uses (a file name, or a path relative to the dataset root), not yet resolved on disk.
/// Words keep the file's order.
/// </summary>
public sealed record AnnotatedImage(string ImageName, IReadOnlyList<AnnotatedWord> Words);
