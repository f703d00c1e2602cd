using System.Diagnostics;
using System.Globalization;
using Retrieval.Models.Clip;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Bench;

/// <summary>
/// Exact CLIP vector scan, single thread: synthetic random unit vectors (5 regions an image) at each size and
/// precision, median ms per query over several queries after a warm-up, and bytes per region.
/// <c>vector-scan [--sizes 100000,1000000] [--width 512] [--queries 20]</c> scans in-memory indexes built in the process;
/// with <c>--index DIR [--precisions float16,float32,int8]</c> the vectors are stored in a real index at DIR (kept for
/// the next run) and the in-memory path is compared with the memory-mapped vector file (<see cref="VectorFileBench"/>);
/// <c>--index DIR --open mapped|memory --rows N [--precision float16]</c> measures one open in this process (start-up
/// time, resident memory): run it in a fresh process per path.
/// </summary>
public sealed class VectorScanBench : IBenchCommand
{
    public string Name => "vector-scan";

    public string Description => "CLIP exact scan ms per query at 100k/1M synthetic regions, float16 and float32, and memory per region";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var sizes = (Option(args, "--sizes") ?? "100000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var width = int.Parse(Option(args, "--width") ?? "512", CultureInfo.InvariantCulture);
        var queries = int.Parse(Option(args, "--queries") ?? "20", CultureInfo.InvariantCulture);
        if (Option(args, "--index") is { } directory)
        {
            if (Option(args, "--open") is { } open)
            {
                var rows = int.Parse(Option(args, "--rows") ?? "1000000", CultureInfo.InvariantCulture);
                return VectorFileBench.OpenOnceAsync(directory, rows, width, Precision(Option(args, "--precision") ?? "float16"), open == "mapped", cancellationToken);
            }

            var precisions = (Option(args, "--precisions") ?? "float16,float32,int8").Split(',').Select(Precision).ToList();
            return VectorFileBench.RunAsync(directory, sizes, width, queries, precisions, cancellationToken);
        }

        Console.WriteLine($"# vector-scan bench: width {width}, {queries} queries, single thread, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}");
        Console.WriteLine("rows\tprecision\tbytes/row\tmedian ms/query\tbest ms/query\tcpu ms/query (mean)");
        var random = new Random(11);
        var vector = new float[width];
        foreach (var rows in sizes)
        {
            foreach (var precision in new[] { EmbeddingPrecision.Float16, EmbeddingPrecision.Float32 })
            {
                cancellationToken.ThrowIfCancellationRequested();
                var builder = new ClipVectorIndexBuilder(width, precision, rows);
                for (var row = 0; row < rows; row++)
                {
                    Fill(random, vector);
                    builder.Add(row / 5, vector);
                }

                var index = builder.Build();
                var (median, fastest, cpu) = ScanTiming.Measure(index, queries, () =>
                {
                    Fill(random, vector);
                    return vector;
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows}\t{precision}\t{index.BytesPerRow}\t{median:F2}\t{fastest:F2}\t{cpu:F2}"));
                GC.Collect();
            }
        }

        return Task.FromResult(0);
    }

    private static EmbeddingPrecision Precision(string name) => Enum.Parse<EmbeddingPrecision>(name, ignoreCase: true);

    private static void Fill(Random random, float[] vector)
    {
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        ClipVectors.Normalize(vector);
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
}
