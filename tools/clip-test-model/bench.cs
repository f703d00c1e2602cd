#:project ../../src/Models/Retrieval.Models.csproj
#:property PublishAot=false

// Times the CLIP encoders on an export: ms per text and per image, single and batched.
// Usage: dotnet run -c Release tools/clip-test-model/bench.cs -- [model-dir] [iterations] [threads per session]
// (default: the committed tiny test model, tests/Retrieval.Models.Tests/Clip/Fixtures/hf).
using System.Diagnostics;
using Retrieval.Models.Clip;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;

var root = Path.GetFullPath(Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "..", ".."));
var modelDir = args.Length > 0 && args[0].Length > 0 ? args[0] : Path.Combine(root, "tests", "Retrieval.Models.Tests", "Clip", "Fixtures", "hf");
var iterations = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200;
var threads = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0;
var options = new ClipEncoderOptions { Onnx = new OnnxOptions { Device = ExecutionDevice.Cpu, ThreadsPerSession = threads } };

var open = Stopwatch.StartNew();
using var model = ClipModel.Open(modelDir, options);
Console.WriteLine($"{model.Directory.Layout} export {modelDir}: D={model.EmbeddingWidth}, S={model.Image.ImageSize}, opened+hashed in {open.Elapsed.TotalMilliseconds:F0} ms, " +
    $"{Environment.ProcessorCount} cores, threads/session={ModelSession.ThreadsFor(options.Onnx, 1)}");

string[] texts = ["a photo of the word \"exit\"", "the text \"coffee\" written on a sign", "stop", "street parking warning zone"];
var images = Enumerable.Range(0, 16).Select(i => Noise(640, 480, i)).ToArray();
var prepared = images.Select(model.Image.Preprocessor.Prepare).ToArray();

Report("tokenize (per text)", iterations * 10, i => model.Text.Tokenizer.Tokenize(texts[i % texts.Length]));
Report("text, batch 1 (per text)", iterations, i => model.Text.Encode(texts[i % texts.Length]));
Report("text, batch 16 (per text)", iterations / 16 + 1, _ => model.Text.Encode([.. Enumerable.Repeat(texts, 4).SelectMany(t => t)]), 16);
Report("preprocess 640x480 (per image)", iterations, i => model.Image.Preprocessor.Prepare(images[i % images.Length]));
Report("image S×S, batch 1 (per image)", iterations, i => model.Image.Encode(prepared[i % prepared.Length]));
Report("image S×S, batch 16 (per image)", iterations / 16 + 1, _ => model.Image.Encode(prepared), 16);
Report("image 640x480 end to end, batch 16 (per image)", iterations / 16 + 1, _ => model.Image.Encode(images), 16);

static void Report(string what, int runs, Action<int> action, int perRun = 1)
{
    for (var i = 0; i < Math.Min(runs, 5); i++)
    {
        action(i);
    }

    // CPU time as well as wall time: on a shared machine the wall clock also counts other processes' load.
    var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < runs; i++)
    {
        action(i);
    }

    var wall = watch.Elapsed.TotalMilliseconds / (runs * perRun);
    process.Refresh();
    var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds / (runs * perRun);
    Console.WriteLine($"{what,-48} wall {wall,9:F3} ms   cpu {cpuMs,9:F3} ms");
}

static RgbImage Noise(int width, int height, int seed)
{
    var pixels = new byte[width * height * 3];
    new Random(seed).NextBytes(pixels);
    return new RgbImage(width, height, pixels);
}
