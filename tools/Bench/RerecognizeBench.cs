using System.Diagnostics;
using System.Globalization;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text.Recognition;
using Retrieval.Search.Store;

namespace Retrieval.Bench;

/// <summary>
/// <c>rerecognize</c>: reads every stored line of an index again with other recognizer options,
/// keeping the detector's quads, and rewrites the images in place. It isolates what a recognizer
/// setting is worth to retrieval (run <c>retrieval eval</c> on the result) without paying for
/// detection again. Works on the index it is given: pass a copy.
/// </summary>
internal sealed class RerecognizeBench : IBenchCommand
{
    public string Name => "rerecognize";

    public string Description => "Re-read an index's stored line quads with other recognizer options, in place (pass a copy): --index DIR [--keep-orientation (as eval and index --keep-orientation decode)] [--margin F] [--min-batch-width PX] [--pad PX] [--topk K] [--min-prob P]";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        string? index = null;
        var applyOrientation = true;
        var options = new RecognizerOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--index": index = Next(); break;
                case "--keep-orientation": applyOrientation = false; break;
                case "--margin": options = options with { CropMargin = float.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--min-batch-width": options = options with { MinBatchWidth = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--pad": options = options with { TrailingPadding = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--topk": options = options with { LatticeTopK = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                case "--min-prob": options = options with { LatticeMinProbability = float.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. {Description}");
            }
        }

        if (index is null)
        {
            throw new ArgumentException($"--index DIR is required. {Description}");
        }

        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index });
        var byImage = new Dictionary<long, List<StoredLine>>();
        await foreach (var line in store.StreamLinesAsync(cancellationToken))
        {
            if (!byImage.TryGetValue(line.ImageId, out var lines))
            {
                byImage[line.ImageId] = lines = [];
            }

            lines.Add(line);
        }

        using var recognizer = new TextRecognizer(RecognizerModelFiles.Default, options, new OnnxOptions());
        // Decoded as the index was, or the stored quads would not fall on the text: `retrieval index`
        // applies EXIF orientation unless told --keep-orientation, `retrieval eval` keeps it.
        var decode = ImageDecodeOptions.Default with { ApplyOrientation = applyOrientation };
        var clock = Stopwatch.StartNew();
        var done = 0;
        foreach (var (imageId, lines) in byImage)
        {
            var image = await store.GetImageAsync(imageId, cancellationToken) ?? throw new InvalidOperationException($"Image {imageId} vanished.");
            var pixels = ImageDecoder.Decode(image.Key.Path, decode).Image;
            var read = recognizer.Recognize(pixels, lines.OrderBy(l => l.Ordinal).Select(l => l.Quad).ToList(), cancellationToken);
            var document = ImageDocument.From(image, read.Select(LineDocument.From).ToList());
            await store.WriteAsync([document], cancellationToken);
            if (++done % 100 == 0)
            {
                Console.WriteLine($"{done}/{byImage.Count} images, {clock.Elapsed.TotalSeconds:0} s");
            }
        }

        Console.WriteLine($"re-read {byImage.Values.Sum(l => l.Count)} lines of {done} images in {clock.Elapsed.TotalSeconds:0.0} s with {options}");
        return 0;
    }
}
