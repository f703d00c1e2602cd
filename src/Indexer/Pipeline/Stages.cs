using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Retrieval.Models;
using Retrieval.Models.Imaging;
using Retrieval.Models.Text;
using Retrieval.Models.Text.Detection;
using Retrieval.Models.Text.Recognition;

namespace Retrieval.Indexer.Pipeline;

/// <summary>Reads a file, hashes it and decodes it; a bad file becomes a failed item, never an exception.</summary>
internal sealed class DecodeStage(ImageDecodeOptions options)
{
    public ImageWork Run(ImageWork work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (work.Pixels is not null || work.Closes is not null)
        {
            // A video frame (ffmpeg decoded it) or a video's closing item.
            return work;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(work.Source.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return work with { Error = $"cannot read file: {e.Message}" };
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        try
        {
            var decoded = ImageDecoder.Decode(bytes, work.Source.Path, options);
            var swapped = decoded.OrientationApplied && decoded.Orientation >= 5;
            return work with
            {
                ContentHash = hash,
                Pixels = decoded.Image,
                Scale = decoded.Scale,
                Width = swapped ? decoded.SourceHeight : decoded.SourceWidth,
                Height = swapped ? decoded.SourceWidth : decoded.SourceHeight,
            };
        }
        catch (ImageDecodeException e)
        {
            return work with { ContentHash = hash, Error = e.Message };
        }
    }
}

/// <summary>Finds text lines; one detector session per worker.</summary>
internal sealed class DetectStage(TextDetector detector) : IDisposable
{
    public static DetectStage Create(ModelCatalog catalog, IndexingOptions options, ILoggerFactory loggerFactory) =>
        new(OcrEngine.CreateDetector(catalog, options.Ocr, options.ConcurrentSessions, loggerFactory));

    public ImageWork Run(ImageWork work, CancellationToken cancellationToken)
    {
        if (work.Failed || work.Pixels is null || work.EmbedOnly is not null)
        {
            return work;
        }

        return work with { Detection = detector.Detect(work.Pixels, cancellationToken) };
    }

    public void Dispose() => detector.Dispose();
}

/// <summary>Reads the detected lines; one recognizer session per worker. Pixels are dropped after this stage unless the run embeds (<see cref="EmbedStage"/> drops them then).</summary>
internal sealed class RecognizeStage(TextRecognizer recognizer, bool keepPixels) : IDisposable
{
    public static RecognizeStage Create(ModelCatalog catalog, IndexingOptions options, ILoggerFactory loggerFactory) =>
        new(OcrEngine.CreateRecognizer(catalog, options.Ocr, options.ConcurrentSessions, loggerFactory), options.Embedding is not null);

    public ImageWork Run(ImageWork work, CancellationToken cancellationToken)
    {
        if (work.Failed || work.Pixels is null || work.Detection is null || work.EmbedOnly is not null)
        {
            return work;
        }

        var lines = recognizer.Recognize(work.Pixels, work.Detection.Boxes.Select(b => b.Quad).ToList(), cancellationToken);
        var scale = work.Scale;
        if (Math.Abs(scale - 1.0) > 1e-9)
        {
            // Records are in the coordinates of the (oriented) file, not of the shrunk pixels.
            lines = lines.Select(l => OcrEngine.Scale(l, (float)(1.0 / scale))).ToList();
        }

        return work with { Lines = lines, Detection = null, Pixels = keepPixels ? work.Pixels : null };
    }

    public void Dispose() => recognizer.Dispose();
}
