using Retrieval.Models.Geometry;
using Retrieval.Models.Text;
using Retrieval.Models.Text.Recognition;

namespace Retrieval.Search.Store;

/// <summary>
/// One image as the indexer hands it to <see cref="IIndexStore.WriteAsync"/>: its identity, file
/// facts for incremental runs, status, and what was read in it. Lines keep their list order as
/// reading order.
/// </summary>
public sealed record ImageDocument
{
    public required ImageKey Key { get; init; }

    /// <summary>The folder the image was indexed under (as given on the command line, made full).</summary>
    public required string Root { get; init; }

    /// <summary>File size in bytes (of the video for a frame).</summary>
    public long Size { get; init; }

    /// <summary>Last write time of the file (of the video for a frame); stored to the tick.</summary>
    public DateTimeOffset Modified { get; init; }

    /// <summary>Hash of the file bytes, e.g. from <see cref="FileContentHash"/>; null when not computed.</summary>
    public string? ContentHash { get; init; }

    /// <summary>Decoded width in pixels (after orientation); 0 when the image could not be decoded.</summary>
    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>For a video frame, the stretch of video it stands for; null for files.</summary>
    public FrameSpan? FrameSpan { get; init; }

    public ImageStatus Status { get; init; } = ImageStatus.Ok;

    /// <summary>Why indexing failed or stopped; required unless <see cref="Status"/> is Ok.</summary>
    public string? Error { get; init; }

    public IReadOnlyList<LineDocument> Lines { get; init; } = [];

    public IReadOnlyList<EmbeddingDocument> Embeddings { get; init; } = [];

    /// <summary>A stored image's record (identity, file facts, status) with <paramref name="lines"/>, to write again.</summary>
    public static ImageDocument From(StoredImage image, IReadOnlyList<LineDocument> lines)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new()
        {
            Key = image.Key,
            Root = image.Root,
            Size = image.Size,
            Modified = image.Modified,
            ContentHash = image.ContentHash,
            Width = image.Width,
            Height = image.Height,
            FrameSpan = image.FrameSpan,
            Status = image.Status,
            Error = image.Error,
            Lines = lines,
        };
    }

    /// <summary>A failed image: recorded so the run summary and the next run see it, with no lines.</summary>
    public static ImageDocument Failed(ImageKey key, string root, string error, long size = 0, DateTimeOffset modified = default) => new()
    {
        Key = key,
        Root = root,
        Size = size,
        Modified = modified,
        Status = ImageStatus.Failed,
        Error = error,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the image and every problem found.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(Key.Path))
        {
            errors.Add("the key has no path");
        }

        if (string.IsNullOrEmpty(Root))
        {
            errors.Add("the root is empty");
        }

        if (Size < 0 || Width < 0 || Height < 0)
        {
            errors.Add("size, width and height cannot be negative");
        }

        if (FrameSpan is { } span && (Key.Kind != ImageSourceKind.VideoFrame || span.End < span.Start))
        {
            errors.Add("a frame span needs a video frame key and End >= Start");
        }

        if (!Enum.IsDefined(Status))
        {
            errors.Add($"unknown status {(int)Status}");
        }

        if (Status != ImageStatus.Ok && string.IsNullOrWhiteSpace(Error))
        {
            errors.Add($"status {Status} needs an error text");
        }

        for (var i = 0; i < Lines.Count; i++)
        {
            if (Lines[i] is null || Lines[i].Text is null || Lines[i].Lattice is null || Lines[i].Words is null)
            {
                errors.Add($"line {i} lacks text, lattice or words");
            }
        }

        foreach (var embedding in Embeddings)
        {
            var problem = embedding.Problem(Lines.Count);
            if (problem is not null)
            {
                errors.Add(problem);
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid image document {Key}: {string.Join("; ", errors)}.");
        }
    }
}

/// <summary>A text line: its quad in image pixels, best reading, confidence, reading lattice and words.</summary>
public sealed record LineDocument(Quad Quad, string Text, float Confidence, ReadingLattice Lattice, IReadOnlyList<WordDocument> Words)
{
    /// <summary>A line as the recognizer read it.</summary>
    public static LineDocument From(RecognizedLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return new(line.Quad, line.Text, line.Confidence, line.Lattice, line.Words.Select(w => new WordDocument(w.Quad, w.Text, w.Confidence)).ToList());
    }

    /// <summary>A stored line, to write again (into another store, or with other lines of its image).</summary>
    public static LineDocument From(StoredLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return new(line.Quad, line.Text, line.Confidence, line.Lattice, line.Words.Select(w => new WordDocument(w.Quad, w.Text, w.Confidence)).ToList());
    }
}

/// <summary>A word of a line, in reading order.</summary>
public sealed record WordDocument(Quad Quad, string Text, float Confidence);

/// <summary>
/// An embedding of the image, of one of its lines (<see cref="LineIndex"/> into
/// <see cref="ImageDocument.Lines"/>) or of a region (<see cref="Region"/>), made by model <see cref="ModelId"/>.
/// </summary>
public sealed record EmbeddingDocument(
    EmbeddingOwnerKind Owner,
    string ModelId,
    float[] Vector,
    EmbeddingPrecision Precision = EmbeddingPrecision.Float32,
    int? LineIndex = null,
    Quad? Region = null)
{
    internal string? Problem(int lineCount)
    {
        if (string.IsNullOrEmpty(ModelId) || Vector is null || Vector.Length == 0)
        {
            return "an embedding needs a model id and a non-empty vector";
        }

        if (!Enum.IsDefined(Precision) || !Enum.IsDefined(Owner))
        {
            return "unknown embedding owner or precision";
        }

        return Owner switch
        {
            EmbeddingOwnerKind.Line when LineIndex is not { } i || i < 0 || i >= lineCount => "a line embedding needs the index of one of the image's lines",
            EmbeddingOwnerKind.Region when Region is null => "a region embedding needs a region quad",
            EmbeddingOwnerKind.Image when LineIndex is not null || Region is not null => "an image embedding has no line index or region",
            _ => null,
        };
    }
}
