using System.Diagnostics;
using System.Globalization;
using Retrieval.Models.Imaging;

namespace Retrieval.Bench;

/// <summary>
/// Single-thread decode speed: the dev photos (1280x720 JPEGs) from a path and from bytes, with and
/// without orientation, the same photos tagged orientation 6, and a 6000x4000 JPEG at several
/// MaxSide values (shrink-on-load). Variants alternate image by image for several rounds, and the
/// best and median rounds are reported, because the machine is shared. Writes its derived images to a temp folder only.
/// <c>decode [--images DIR] [--count 200] [--rounds 5] [--big-reps 5]</c>
/// </summary>
public sealed class DecodeBench : IBenchCommand
{
    public string Name => "decode";

    public string Description => "libvips decode ms per image: dev photos (path/bytes, orientation) and a 6000x4000 JPEG at several MaxSide";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var images = Option(args, "--images") ?? DefaultImages();
        var count = int.Parse(Option(args, "--count") ?? "200", CultureInfo.InvariantCulture);
        var rounds = int.Parse(Option(args, "--rounds") ?? "5", CultureInfo.InvariantCulture);
        var bigReps = int.Parse(Option(args, "--big-reps") ?? "5", CultureInfo.InvariantCulture);
        if (images is null || !Directory.Exists(images))
        {
            Console.Error.WriteLine("No dev images: pass --images DIR or set RETRIEVAL_DEV_DATA to the ic15-train folder.");
            return Task.FromResult(2);
        }

        var photos = Enumerable.Range(1, count).Select(i => Path.Combine(images, $"img_{i}.jpg")).Where(File.Exists).ToList();
        var temp = Directory.CreateTempSubdirectory("retrieval-decode-bench-");
        try
        {
            Console.WriteLine($"# decode bench: {photos.Count} photos from {images}, {rounds} rounds, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}");
            Photos(photos, rounds, cancellationToken);
            Oriented(photos.Take(50).ToList(), temp.FullName, rounds, cancellationToken);
            Big(photos[0], temp.FullName, bigReps, cancellationToken);
        }
        finally
        {
            temp.Delete(recursive: true);
        }

        return Task.FromResult(0);
    }

    private static void Photos(List<string> photos, int rounds, CancellationToken cancellationToken)
    {
        var keepStored = new ImageDecodeOptions { ApplyOrientation = false };
        var variants = new (string Name, Action<string> Decode)[]
        {
            ("path, orientation applied (default)", p => ImageDecoder.Decode(p)),
            ("path, orientation not applied", p => ImageDecoder.Decode(p, keepStored)),
            ("bytes (File.ReadAllBytes + decode)", p => ImageDecoder.Decode(File.ReadAllBytes(p), p)),
            ("probe only (header)", p => ImageProbe.Probe(p)),
            ("thumbnail 256 px JPEG", p => ImageThumbnailer.ThumbnailJpeg(p, 256)),
        };
        Report("1280x720 dev photos (no orientation tag)", photos, variants, rounds, cancellationToken);
    }

    private static void Oriented(List<string> photos, string temp, int rounds, CancellationToken cancellationToken)
    {
        var tagged = new List<string>();
        foreach (var photo in photos)
        {
            var path = Path.Combine(temp, "o6-" + Path.GetFileName(photo));
            ImageEncoder.Save(ImageDecoder.Decode(photo).Image, path, orientation: 6);
            tagged.Add(path);
        }

        var keepStored = new ImageDecodeOptions { ApplyOrientation = false };
        var variants = new (string Name, Action<string> Decode)[]
        {
            ("orientation applied (rotated to 720x1280)", p => ImageDecoder.Decode(p)),
            ("orientation not applied", p => ImageDecoder.Decode(p, keepStored)),
        };
        Report("the same photos re-saved with EXIF orientation 6", tagged, variants, rounds, cancellationToken);
    }

    private static void Big(string photo, string temp, int reps, CancellationToken cancellationToken)
    {
        var path = Path.Combine(temp, "big-6000x4000.jpg");
        ImageEncoder.Save(Tile(ImageDecoder.Decode(photo).Image, 6000, 4000), path);
        Console.WriteLine();
        Console.WriteLine($"## 6000x4000 JPEG ({new FileInfo(path).Length / 1024} KiB, tiled from {Path.GetFileName(photo)}), {reps} reps");
        Console.WriteLine("| MaxSide | output | CPU ms, median | wall ms, best | wall ms, median |");
        Console.WriteLine("|---|---|---|---|---|");
        var sides = new[] { 0, 4096, 2048, 1024 };
        var sizes = new string[sides.Length];
        var wall = sides.Select(_ => new List<double>()).ToArray();
        var cpu = sides.Select(_ => new List<double>()).ToArray();
        var clock = new Stopwatch();
        for (var rep = 0; rep <= reps; rep++)
        {
            for (var i = 0; i < sides.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var cpuStart = CpuClock.NowMilliseconds();
                clock.Restart();
                var decoded = ImageDecoder.Decode(path, new ImageDecodeOptions { MaxSide = sides[i] });
                var elapsed = clock.Elapsed.TotalMilliseconds;
                var cpuElapsed = CpuClock.NowMilliseconds() - cpuStart;
                sizes[i] = $"{decoded.Image.Width}x{decoded.Image.Height}";
                if (rep > 0)
                {
                    // rep 0 warms up
                    wall[i].Add(elapsed);
                    cpu[i].Add(cpuElapsed);
                }
            }
        }

        for (var i = 0; i < sides.Length; i++)
        {
            Console.WriteLine($"| {sides[i]} | {sizes[i]} | {MedianOf(cpu[i]):F1} | {wall[i].Min():F1} | {MedianOf(wall[i]):F1} |");
        }

        var thumbnail = Time(reps, () => ImageThumbnailer.ThumbnailJpeg(path, 256));
        Console.WriteLine($"| thumbnail 256 | JPEG | {thumbnail.Cpu:F1} | {thumbnail.Best:F1} | {thumbnail.Median:F1} |");
    }

    private static void Report(string title, List<string> files, (string Name, Action<string> Decode)[] variants, int rounds, CancellationToken cancellationToken)
    {
        foreach (var file in files.Take(10))
        {
            variants[0].Decode(file); // warm-up: libvips start, page cache
        }

        // Variants alternate image by image, so load from other processes falls on all of them alike.
        var wall = variants.Select(_ => new List<double>()).ToArray();
        var cpu = variants.Select(_ => new List<double>()).ToArray();
        var clock = new Stopwatch();
        for (var round = 0; round < rounds; round++)
        {
            var wallTotals = new double[variants.Length];
            var cpuTotals = new double[variants.Length];
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var v = 0; v < variants.Length; v++)
                {
                    var cpuStart = CpuClock.NowMilliseconds();
                    clock.Restart();
                    variants[v].Decode(file);
                    wallTotals[v] += clock.Elapsed.TotalMilliseconds;
                    cpuTotals[v] += CpuClock.NowMilliseconds() - cpuStart;
                }
            }

            for (var v = 0; v < variants.Length; v++)
            {
                wall[v].Add(wallTotals[v] / files.Count);
                cpu[v].Add(cpuTotals[v] / files.Count);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"## {title}: mean ms per image over {files.Count} images, {rounds} rounds (CPU = process CPU time, all threads)");
        Console.WriteLine("| variant | CPU ms, median round | wall ms, best round | wall ms, median round |");
        Console.WriteLine("|---|---|---|---|");
        for (var v = 0; v < variants.Length; v++)
        {
            Console.WriteLine($"| {variants[v].Name} | {MedianOf(cpu[v]):F2} | {wall[v].Min():F2} | {MedianOf(wall[v]):F2} |");
        }
    }

    private static double MedianOf(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static (double Cpu, double Best, double Median) Time(int reps, Action action)
    {
        action();
        var wall = new List<double>();
        var cpu = new List<double>();
        for (var i = 0; i < reps; i++)
        {
            var cpuStart = CpuClock.NowMilliseconds();
            var clock = Stopwatch.StartNew();
            action();
            wall.Add(clock.Elapsed.TotalMilliseconds);
            cpu.Add(CpuClock.NowMilliseconds() - cpuStart);
        }

        return (MedianOf(cpu), wall.Min(), MedianOf(wall));
    }

    /// <summary>Repeats a photo to fill a larger canvas, so the big JPEG has photo-like detail everywhere.</summary>
    private static RgbImage Tile(RgbImage source, int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            var sy = y % source.Height;
            for (var x = 0; x < width; x += source.Width)
            {
                var run = Math.Min(source.Width, width - x);
                Buffer.BlockCopy(source.Pixels, sy * source.Stride, pixels, ((y * width) + x) * 3, run * 3);
            }
        }

        return new RgbImage(width, height, pixels);
    }

    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }

    private static string? DefaultImages()
    {
        var root = Environment.GetEnvironmentVariable("RETRIEVAL_DEV_DATA");
        return string.IsNullOrWhiteSpace(root) ? null : Path.Combine(root, "images");
    }
}
