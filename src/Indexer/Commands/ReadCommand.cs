using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Cli;
using Retrieval.Indexer.Output;
using Retrieval.Indexer.Sources;
using Retrieval.Models;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text;
using Retrieval.Models.Text.Detection;
using Spectre.Console;

namespace Retrieval.Indexer.Commands;

/// <summary><c>retrieval read PATH...</c>: print every text line and word of each image, with boxes and confidences.</summary>
internal static class ReadCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Image files or folders (folders are walked for images).", Arity = ArgumentArity.OneOrMore };
        var json = CommonOptions.Json();
        var device = CommonOptions.Device();
        var detector = CommonOptions.Detector();
        var models = CommonOptions.Models();
        var threads = CommonOptions.Threads();
        var keepOrientation = CommonOptions.KeepOrientation();
        var command = new Command("read", "Read the text in images: lines and words with their boxes, text and confidence.")
        {
            paths, json, device, detector, models, threads, keepOrientation,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetRequiredValue(paths),
            parse.GetValue(json),
            new OcrOptions { Onnx = new OnnxOptions { Device = parse.GetValue(device), ThreadsPerSession = parse.GetValue(threads) }, Detector = DetectorOptions.For(parse.GetValue(detector)) },
            parse.GetValue(models),
            parse.GetValue(keepOrientation),
            ct));
        return command;
    }

    private static Task<int> RunAsync(string[] inputs, bool json, OcrOptions ocrOptions, string? modelsDirectory, bool keepOrientation, CancellationToken cancellationToken)
    {
        using var loggerFactory = ConsoleLogging.Create(json);
        var files = ImageFiles.Expand(inputs);
        using var engine = new OcrEngine(ModelCatalog.Open(modelsDirectory), ocrOptions, concurrentSessions: 1, loggerFactory);
        var decodeOptions = ImageDecodeOptions.Default with { ApplyOrientation = !keepOrientation };
        var results = new List<ReadImageJson>();
        var showProgress = !json && files.Count > 1 && !Console.IsErrorRedirected;
        void ReadAll(Action? advance)
        {
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = file.Missing
                    ? ReadJson.Failed(file.Path, $"{file.Path}: no such file or folder")
                    : ReadOne(engine, file.Path, decodeOptions, cancellationToken);
                results.Add(result);
                if (!json)
                {
                    TextOutput.Write(Console.Out, result);
                }

                advance?.Invoke();
            }
        }

        if (showProgress)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            console.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("reading", maxValue: files.Count);
                    ReadAll(() => task.Increment(1));
                });
        }
        else
        {
            ReadAll(null);
        }

        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(results, ReadableJson));
        }

        var failed = results.Count(r => r.Error is not null);
        if (failed > 0)
        {
            Console.Error.WriteLine($"{failed} of {results.Count} inputs could not be read:");
            foreach (var r in results.Where(r => r.Error is not null))
            {
                Console.Error.WriteLine($"  {r.Error}");
            }
        }

        return Task.FromResult(failed > 0 ? 1 : 0);
    }

    private static ReadImageJson ReadOne(OcrEngine engine, string file, ImageDecodeOptions options, CancellationToken cancellationToken)
    {
        DecodedImage decoded;
        try
        {
            decoded = ImageDecoder.Decode(file, options);
        }
        catch (ImageDecodeException e)
        {
            return ReadJson.Failed(file, e.Message);
        }

        var result = engine.Read(decoded.Image, cancellationToken);
        var scale = decoded.Scale;
        if (Math.Abs(scale - 1.0) > 1e-9)
        {
            result = result with { Lines = result.Lines.Select(l => OcrEngine.Scale(l, (float)(1.0 / scale))).ToList() };
        }

        var width = decoded.OrientationApplied && decoded.Orientation >= 5 ? decoded.SourceHeight : decoded.SourceWidth;
        var height = decoded.OrientationApplied && decoded.Orientation >= 5 ? decoded.SourceWidth : decoded.SourceHeight;
        return ReadJson.From(file, width, height, decoded.OrientationApplied, result);
    }

    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<ReadImageJson>> ReadableJson =
        new ReadJsonContext(CliJson.Readable(ReadJsonContext.Default.Options, indented: true)).ListReadImageJson;
}
