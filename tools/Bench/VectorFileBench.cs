using System.Diagnostics;
using System.Globalization;
using Retrieval.Models.Clip;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Bench;

/// <summary>
/// The SQLite-backed half of <c>vector-scan</c> (<c>--index DIR</c>): synthetic embeddings stored in a real index (5 rows
/// an image, float16 as <c>index --embed</c> stores them; one model id per size, kept between runs), then per precision
/// the in-memory path (<see cref="ClipVectorIndex.LoadAsync"/>) against the memory-mapped vector file
/// (<see cref="ClipVectorIndex.OpenAsync"/>): time to build the file, to open each, CPU per scan. <c>--open memory|mapped</c>
/// measures one open in this (fresh) process: its start-up time and resident memory, anonymous and file-backed.
/// </summary>
internal static class VectorFileBench
{
    public static async Task<int> RunAsync(string directory, IReadOnlyList<int> sizes, int width, int queries, IReadOnlyList<EmbeddingPrecision> precisions, CancellationToken cancellationToken)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = directory });
        Console.WriteLine($"# vector-scan --index: width {width}, {queries} queries, single thread, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}, load {Load()}");
        Console.WriteLine("rows\tprecision\tpath\tbytes/row\tbuild s (cpu s)\topen ms (cpu ms)\tmedian ms/query\tcpu ms/query (mean)");
        foreach (var rows in sizes)
        {
            var model = await FillAsync(store, rows, width, cancellationToken);
            foreach (var precision in precisions)
            {
                if (precision != EmbeddingPrecision.Int8)
                {
                    var (memoryOpen, memoryCpu, memory) = await TimeAsync(() => ClipVectorIndex.LoadAsync(store, model, precision, cancellationToken));
                    using (memory)
                    {
                        Report(rows, precision, "memory", memory, "-", memoryOpen, memoryCpu, Scan(memory, width, queries));
                    }

                    GC.Collect();
                }

                var path = ClipVectorFiles.PathFor(store.VectorFileDirectory, model, precision);
                if (File.Exists(path))
                {
                    File.Delete(path);
                }

                var (build, buildCpu, built) = await TimeAsync(() => ClipVectorIndex.OpenAsync(store, model, precision, null, cancellationToken));
                built.Dispose();
                var (open, openCpu, mapped) = await TimeAsync(() => ClipVectorIndex.OpenAsync(store, model, precision, null, cancellationToken));
                using (mapped)
                {
                    var buildText = string.Create(CultureInfo.InvariantCulture, $"{build / 1000:F1} ({buildCpu / 1000:F1})");
                    Report(rows, precision, "mapped", mapped, buildText, open, openCpu, Scan(mapped, width, queries));
                }
            }
        }

        return 0;
    }

    /// <summary>One open of <paramref name="rows"/> rows in a fresh process: start-up time and resident memory before and after three scans.</summary>
    public static async Task<int> OpenOnceAsync(string directory, int rows, int width, EmbeddingPrecision precision, bool mapped, CancellationToken cancellationToken)
    {
        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = directory, ReadOnly = true });
        var model = Model(rows);
        var before = Memory();
        var (open, cpu, index) = await TimeAsync(() => mapped
            ? ClipVectorIndex.OpenAsync(store, model, precision, null, cancellationToken)
            : ClipVectorIndex.LoadAsync(store, model, precision, cancellationToken));
        using (index)
        {
            if (index.Count != rows)
            {
                Console.Error.WriteLine($"vector-scan: the index at {directory} holds {index.Count} rows of {model}; run `vector-scan --index {directory} --sizes {rows}` first.");
                return 1;
            }

            var opened = Memory();
            var scan = Scan(index, width, 3);
            var scanned = Memory();
            Console.WriteLine($"# vector-scan --open: {(mapped ? "mapped" : "memory")}, {rows} rows, {precision}, width {width}, load {Load()}");
            Console.WriteLine("open ms (cpu ms)\tRSS MiB before / after open / after 3 scans\tanon MiB after scans\tfile MiB after scans\tscan ms (cpu ms)");
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{open:F0} ({cpu:F0})\t{before.Rss:F0} / {opened.Rss:F0} / {scanned.Rss:F0}\t{scanned.Anon:F0}\t{scanned.File:F0}\t{scan.Median:F1} ({scan.Cpu:F1})"));
        }

        return 0;
    }

    /// <summary>The model id the bench stores <paramref name="rows"/> rows under.</summary>
    public static string Model(int rows) => string.Create(CultureInfo.InvariantCulture, $"bench-{rows}");

    private static async Task<string> FillAsync(SqliteIndexStore store, int rows, int width, CancellationToken cancellationToken)
    {
        var model = Model(rows);
        if ((await store.CountEmbeddingsAsync(model, cancellationToken)).Embeddings == rows)
        {
            return model;
        }

        var stale = new List<long>();
        await foreach (var image in store.ListImagesUnderAsync($"/bench/{model}", cancellationToken))
        {
            stale.Add(image.Id);
        }

        await store.DeleteImagesAsync(stale, cancellationToken);
        var clock = Stopwatch.StartNew();
        var random = new Random(rows);
        var batch = new List<ImageDocument>();
        for (var row = 0; row < rows; row += 5)
        {
            var embeddings = new List<EmbeddingDocument>();
            for (var i = 0; i < 5 && row + i < rows; i++)
            {
                var region = i == 0 ? (Models.Geometry.Quad?)null : new Models.Geometry.Quad(new(i, i), new(i + 40, i), new(i + 40, i + 12), new(i, i + 12));
                embeddings.Add(new EmbeddingDocument(i == 0 ? EmbeddingOwnerKind.Image : EmbeddingOwnerKind.Region, model, UnitVector(random, width), EmbeddingPrecision.Float16, Region: region));
            }

            batch.Add(new ImageDocument { Key = ImageKey.ForFile($"/bench/{model}/{row / 5}.jpg"), Root = "/bench", Width = 100, Height = 100, Embeddings = embeddings });
            if (batch.Count == 2000)
            {
                await store.WriteAsync(batch, cancellationToken);
                batch.Clear();
            }
        }

        await store.WriteAsync(batch, cancellationToken);
        Console.WriteLine($"# stored {rows} float16 rows of {model} in {clock.Elapsed.TotalSeconds:F0} s");
        return model;
    }

    private static void Report(int rows, EmbeddingPrecision precision, string path, ClipVectorIndex index, string build, double open, double openCpu, (double Median, double Cpu) scan) =>
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{rows}\t{precision}\t{path}\t{index.BytesPerRow}\t{build}\t{open:F0} ({openCpu:F0})\t{scan.Median:F1}\t{scan.Cpu:F1}"));

    private static (double Median, double Cpu) Scan(ClipVectorIndex index, int width, int queries)
    {
        var random = new Random(17);
        var (median, _, cpu) = ScanTiming.Measure(index, queries, () => UnitVector(random, width));
        return (median, cpu);
    }

    private static async Task<(double Wall, double Cpu, T Result)> TimeAsync<T>(Func<Task<T>> run)
    {
        var cpu = CpuClock.NowMilliseconds();
        var watch = Stopwatch.StartNew();
        var result = await run();
        return (watch.Elapsed.TotalMilliseconds, CpuClock.NowMilliseconds() - cpu, result);
    }

    private static float[] UnitVector(Random random, int width)
    {
        var vector = new float[width];
        for (var i = 0; i < width; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        ClipVectors.Normalize(vector);
        return vector;
    }

    /// <summary>Resident memory of this process in MiB: total, anonymous (heaps), file-backed (mapped files, code).</summary>
    private static (double Rss, double Anon, double File) Memory()
    {
        double Field(string[] lines, string name) =>
            lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
                ? double.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024
                : double.NaN;
        var status = File.ReadAllLines("/proc/self/status");
        return (Field(status, "VmRSS:"), Field(status, "RssAnon:"), Field(status, "RssFile:"));
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
