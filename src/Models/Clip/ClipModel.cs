using Microsoft.Extensions.Logging;
using Retrieval.Models.Onnx;

namespace Retrieval.Models.Clip;

/// <summary>
/// A whole CLIP export opened for use: both towers, checked against each other (same embedding width), and the
/// fingerprint an index records. Processes that need one side only (a searcher embeds queries, an indexer images)
/// can open <see cref="ClipTextEncoder"/> or <see cref="ClipImageEncoder"/> from a <see cref="ClipModelDirectory"/>.
/// </summary>
public sealed class ClipModel : IDisposable
{
    private ClipModel(ClipModelDirectory directory, ClipTextEncoder text, ClipImageEncoder image, ClipModelFingerprint fingerprint)
    {
        Directory = directory;
        Text = text;
        Image = image;
        Fingerprint = fingerprint;
    }

    public ClipModelDirectory Directory { get; }

    public ClipTextEncoder Text { get; }

    public ClipImageEncoder Image { get; }

    public ClipModelFingerprint Fingerprint { get; }

    public int EmbeddingWidth => Text.EmbeddingWidth;

    public static ClipModel Open(string path, ClipEncoderOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var directory = ClipModelDirectory.Open(path);
        var fingerprint = directory.ComputeFingerprint(cancellationToken);
        var text = ClipTextEncoder.Open(directory, options, logger);
        ClipImageEncoder? image = null;
        try
        {
            image = ClipImageEncoder.Open(directory, options, logger);
            if (image.EmbeddingWidth != text.EmbeddingWidth)
            {
                throw new ModelLoadException(
                    $"The CLIP towers in {directory.Root} do not belong together: {text.ModelPath} gives {text.EmbeddingWidth}-wide text embeddings, " +
                    $"{image.ModelPath} gives {image.EmbeddingWidth}-wide image embeddings. Use both towers of one export.");
            }

            return new ClipModel(directory, text, image, fingerprint);
        }
        catch
        {
            image?.Dispose();
            text.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Text.Dispose();
        Image.Dispose();
    }
}
