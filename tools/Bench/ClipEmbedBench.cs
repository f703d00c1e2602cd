using System.Diagnostics;
using System.Globalization;
using Retrieval.Models.Clip;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text;
using Retrieval.Search.Query;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Bench;

/// <summary>
/// What embedding an indexed collection costs and what storage precision costs in quality, on real photos and their
/// stored text lines: per image, the whole image padded to a square and its text-region crops (<see cref="ClipFocus"/>)
/// are embedded, timed apart (wall and process CPU ms). Then every query word's prompted embedding ranks the images
/// (max over their rows) with vectors at float32 and as stored at float16 and int8: the top-10 overlap with float32
/// and the largest cosine error.
/// <c>clip-embed --index DIR --model DIR [--count 100] [--threads 0] [--queries 200]</c>
/// </summary>
public sealed class ClipEmbedBench : IBenchCommand
{
    public string Name => "clip-embed";

    public string Description => "CLIP embedding cost per image and per text region on an indexed collection, and the quality cost of float16/int8 storage";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var index = Option(args, "--index") ?? throw new ArgumentException("--index DIR (a text index of the photos) is required.");
        var modelDir = Option(args, "--model") ?? throw new ArgumentException("--model DIR (a CLIP export) is required.");
        var count = int.Parse(Option(args, "--count") ?? "100", CultureInfo.InvariantCulture);
        var threads = int.Parse(Option(args, "--threads") ?? "0", CultureInfo.InvariantCulture);
        var queryCount = int.Parse(Option(args, "--queries") ?? "200", CultureInfo.InvariantCulture);
        var options = new ClipEncoderOptions { Onnx = new OnnxOptions { Device = ExecutionDevice.Cpu, ThreadsPerSession = threads }, ResizeMode = ClipResizeMode.Longest };
        var directory = ClipModelDirectory.Open(modelDir);
        using var encoder = ClipImageEncoder.Open(directory, options);
        using var text = ClipTextEncoder.Open(directory, options);
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        var images = new List<StoredImage>();
        await foreach (var image in store.ImagesWithoutEmbeddingsAsync("(none)", cancellationToken))
        {
            images.Add(image);
            if (images.Count >= count)
            {
                break;
            }
        }

        Console.WriteLine($"# clip-embed bench: {directory.Layout} export {directory.Root}, D={encoder.EmbeddingWidth}, S={encoder.ImageSize}, {images.Count} images of {index}, " +
            $"{Environment.ProcessorCount} cores, threads/session={ModelSession.ThreadsFor(options.Onnx, 1)}, {DateTime.UtcNow:yyyy-MM-dd}");
        var focus = new ClipFocusOptions();
        var rows = new List<(long ImageId, float[] Vector)>();
        var regionCount = 0;
        var decode = new Timer();
        var whole = new Timer();
        var crops = new Timer();
        var regions = new Timer();
        foreach (var image in images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pixels = decode.Time(() => ImageDecoder.Decode(File.ReadAllBytes(image.Key.Path), image.Key.Path, ImageDecodeOptions.Default with { ApplyOrientation = false }).Image);
            var lines = await store.GetImageLinesAsync(image.Id, cancellationToken);
            rows.Add((image.Id, whole.Time(() => encoder.Encode(pixels, cancellationToken))));
            var cropped = crops.Time(() =>
            {
                var planned = ClipFocus.Plan([.. lines.Select(l => l.Quad)], pixels.Width, pixels.Height, focus);
                return planned.Select(r => ClipFocus.Crop(pixels, r)).ToList();
            });
            if (cropped.Count > 0)
            {
                var vectors = regions.Time(() => encoder.Encode(cropped, cancellationToken));
                rows.AddRange(vectors.Select(v => (image.Id, v)));
                regionCount += cropped.Count;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"regions: {regionCount} ({(double)regionCount / Math.Max(1, images.Count):F2} per image)"));
        Console.WriteLine("step\twall ms\tcpu ms\tper");
        decode.Print("decode (libvips)", images.Count, "image");
        whole.Print("whole image: pad + resize + encode", images.Count, "image");
        crops.Print("plan regions + crop", Math.Max(1, regionCount), "region");
        regions.Print("region: resize + encode (batched)", Math.Max(1, regionCount), "region");
        var perImageWall = (decode.Wall + whole.Wall + crops.Wall + regions.Wall) / Math.Max(1, images.Count);
        var perImageCpu = (decode.Cpu + whole.Cpu + crops.Cpu + regions.Cpu) / Math.Max(1, images.Count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"all of it per image\t{perImageWall:F2}\t{perImageCpu:F2}\timage"));

        await PrecisionAsync(store, text, rows, queryCount, cancellationToken);
        return 0;
    }

    /// <summary>Top-10 overlap with float32 and worst cosine error of float16 and int8 storage, over prompted query words.</summary>
    private static async Task PrecisionAsync(SqliteIndexStore store, ClipTextEncoder text, List<(long ImageId, float[] Vector)> rows, int queryCount, CancellationToken cancellationToken)
    {
        var info = await store.GetInfoAsync(cancellationToken);
        var parser = new QueryParser();
        var words = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var line in store.StreamLinesAsync(cancellationToken))
        {
            foreach (var word in line.Words.Select(w => w.Text).Where(w => w.Length >= 3 && w.All(char.IsLetterOrDigit)))
            {
                words.Add(Folding.Fold(word, info.Folding));
            }
        }

        var embedder = new ClipQueryEmbedder(text);
        var timer = new Timer();
        var queries = timer.Time(() => words.Take(queryCount).Select(w => embedder.Embed(parser.Parse(w, info.Folding), cancellationToken)).ToList());
        timer.Print(string.Create(CultureInfo.InvariantCulture, $"query word: {embedder.Parts(parser.Parse("x", info.Folding)).Count} part, {new ClipQueryOptions().ContentPrompts.Templates.Count} prompts, text tower"), queries.Count, "query");
        var width = rows[0].Vector.Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"storage precision over {queries.Count} query words x {rows.Count} rows (D={width}):"));
        Console.WriteLine("precision\tbytes/vector\tmean top-10 overlap with float32\tmax |cosine error|");
        var reference = Build(rows, EmbeddingPrecision.Float32);
        foreach (var precision in new[] { EmbeddingPrecision.Float32, EmbeddingPrecision.Float16, EmbeddingPrecision.Int8 })
        {
            var stored = rows.Select(r => (r.ImageId, EmbeddingCodec.RoundTrip(r.Vector, precision))).ToList();
            var index = Build(stored, EmbeddingPrecision.Float32);
            double overlap = 0, maxError = 0;
            foreach (var query in queries)
            {
                var expected = reference.Search(query, 10).Select(h => h.ImageId).ToHashSet();
                overlap += index.Search(query, 10).Count(h => expected.Contains(h.ImageId)) / (double)Math.Max(1, expected.Count);
                for (var i = 0; i < rows.Count; i++)
                {
                    maxError = Math.Max(maxError, Math.Abs(ClipVectors.Dot(query, rows[i].Vector) - ClipVectors.Dot(query, stored[i].Item2)));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{precision}\t{EmbeddingCodec.Bytes(width, precision)}\t{overlap / Math.Max(1, queries.Count):F4}\t{maxError:E2}"));
        }
    }

    private static ClipVectorIndex Build(List<(long ImageId, float[] Vector)> rows, EmbeddingPrecision precision)
    {
        var builder = new ClipVectorIndexBuilder(rows[0].Vector.Length, precision, rows.Count);
        foreach (var (imageId, vector) in rows)
        {
            builder.Add(imageId, vector);
        }

        return builder.Build();
    }

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }

    /// <summary>Accumulated wall and process CPU time of one step.</summary>
    private sealed class Timer
    {
        public double Wall { get; private set; }

        public double Cpu { get; private set; }

        public T Time<T>(Func<T> step)
        {
            var cpu = CpuClock.NowMilliseconds();
            var watch = Stopwatch.StartNew();
            var result = step();
            Wall += watch.Elapsed.TotalMilliseconds;
            Cpu += CpuClock.NowMilliseconds() - cpu;
            return result;
        }

        public void Print(string what, int items, string per) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}\t{Wall / Math.Max(1, items):F3}\t{Cpu / Math.Max(1, items):F3}\t{per}"));
    }
}
