using Retrieval.Models.Clip;
using Retrieval.Models.Geometry;
using Retrieval.Models.Imaging;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Pipeline;

/// <summary>
/// Embeds an image with CLIP after its text is read (or, for <see cref="ImageWork.EmbedOnly"/> items, with the text
/// already stored): the whole image padded to a square, and a square crop with context around each text region
/// (<see cref="ClipFocus"/>). Region quads are stored in the file's coordinates, like the text. Pixels are dropped here.
/// A failure to embed keeps the image's text (<see cref="ImageWork.EmbeddingError"/>): embeddings are an addition.
/// Thread-safe: the encoder is, and nothing else is shared.
/// </summary>
internal sealed class EmbedStage(ClipImageEncoder encoder, string modelId, EmbeddingOptions options)
{
    public ImageWork Run(ImageWork work, CancellationToken cancellationToken)
    {
        if (work.Failed || work.Pixels is null)
        {
            return work with { Pixels = null };
        }

        try
        {
            return work with { Embeddings = Embed(work, work.Pixels, cancellationToken), Pixels = null };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return work with { EmbeddingError = $"CLIP embedding failed: {e.Message}", Pixels = null };
        }
    }

    private List<EmbeddingDocument> Embed(ImageWork work, RgbImage pixels, CancellationToken cancellationToken)
    {
        // Quads are in the file's coordinates; the pixels may have been shrunk on load.
        var scale = (float)work.Scale;
        var lines = work.EmbedOnly?.Lines ?? work.Lines?.Select(l => l.Quad).ToList() ?? [];
        var regions = ClipFocus.Plan([.. lines.Select(q => q.Scale(scale, scale))], pixels.Width, pixels.Height, options.Focus);
        var fill = encoder.Preprocessor.Config.FillColor;
        var images = new List<RgbImage>(regions.Count + 1) { pixels };
        images.AddRange(regions.Select(r => ClipFocus.Crop(pixels, r, fill)));
        var vectors = encoder.Encode(images, cancellationToken);
        var embeddings = new List<EmbeddingDocument>(vectors.Length)
        {
            new(EmbeddingOwnerKind.Image, modelId, vectors[0], options.Precision),
        };
        for (var i = 0; i < regions.Count; i++)
        {
            var region = regions[i].Text.Scale(1 / scale, 1 / scale);
            embeddings.Add(new EmbeddingDocument(EmbeddingOwnerKind.Region, modelId, vectors[i + 1], options.Precision, Region: Round(region)));
        }

        return embeddings;
    }

    /// <summary>Whole pixels: a region is a crop box, and whole numbers keep stored quads exact.</summary>
    private static Quad Round(Quad quad) => new(
        new PointF(MathF.Floor(quad.TopLeft.X), MathF.Floor(quad.TopLeft.Y)),
        new PointF(MathF.Ceiling(quad.TopRight.X), MathF.Floor(quad.TopRight.Y)),
        new PointF(MathF.Ceiling(quad.BottomRight.X), MathF.Ceiling(quad.BottomRight.Y)),
        new PointF(MathF.Floor(quad.BottomLeft.X), MathF.Ceiling(quad.BottomLeft.Y)));
}
