using Retrieval.Indexer.Sources;
using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;
using Retrieval.Models.Text.Detection;
using Retrieval.Models.Text.Recognition;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Pipeline;

/// <summary>
/// One image on its way through the pipeline; each stage fills in its part. An item that failed
/// carries its <see cref="Error"/> and passes the later stages untouched, so the writer records it.
/// A video becomes one item per kept frame (<see cref="Frame"/>, pixels already decoded) and one
/// closing item (<see cref="Closes"/>, no pixels) that the writer holds until the frames are committed.
/// </summary>
internal sealed record ImageWork(SourceFile Source)
{
    /// <summary>For a video frame: its time, the stretch it stands for, and its video's run.</summary>
    public VideoFrameWork? Frame { get; init; }

    /// <summary>For the last item of a video: the run whose record is written once all its frames are.</summary>
    public VideoRun? Closes { get; init; }

    public string? ContentHash { get; init; }

    /// <summary>Decoded pixels (possibly shrunk on load); dropped once the text is read.</summary>
    public RgbImage? Pixels { get; init; }

    /// <summary>Pixels size over the oriented file size (1 unless shrunk on load).</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>Width of the image as indexed (after orientation, before shrinking).</summary>
    public int Width { get; init; }

    public int Height { get; init; }

    public DetectionResult? Detection { get; init; }

    public IReadOnlyList<RecognizedLine>? Lines { get; init; }

    public string? Error { get; init; }

    /// <summary>
    /// For an image whose text is already indexed and which only needs CLIP embeddings (<c>index --embed</c>): its
    /// stored id and line quads. Detection and recognition pass it by; the writer stores only its embeddings.
    /// </summary>
    public EmbedOnlyWork? EmbedOnly { get; init; }

    /// <summary>The CLIP embeddings of the image and its text regions, when the run embeds.</summary>
    public IReadOnlyList<EmbeddingDocument>? Embeddings { get; init; }

    /// <summary>Why embedding this image failed; its text is still written, and the next <c>--embed</c> run tries again.</summary>
    public string? EmbeddingError { get; init; }

    /// <summary>In worker mode, the job waiting for this image's document (see <see cref="JobPipeline"/>); null otherwise.</summary>
    public TaskCompletionSource<ImageDocument>? Completion { get; init; }

    public bool Failed => Error is not null;
}

/// <summary>An indexed image to embed: its id and its stored line quads (in the coordinates of the file).</summary>
internal sealed record EmbedOnlyWork(long ImageId, IReadOnlyList<Quad> Lines);
