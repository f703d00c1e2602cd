using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Cli;
using Retrieval.Indexer.Pipeline;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text;
using Retrieval.Models.Text.Detection;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Commands;

/// <summary><c>retrieval watch FOLDER...</c>: a long-running service that keeps the index in step with folders.</summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("folders") { Description = "Folders to keep indexed.", Arity = ArgumentArity.OneOrMore };
        var index = CommonOptions.Index();
        var device = CommonOptions.Device();
        var detector = CommonOptions.Detector();
        var models = CommonOptions.Models();
        var threads = CommonOptions.Threads();
        var keepOrientation = CommonOptions.KeepOrientation();
        var rescan = new Option<int>("--rescan-seconds") { Description = "Full rescan period, catching changes file-system events miss.", DefaultValueFactory = _ => 300 };
        var debounce = new Option<int>("--debounce-ms") { Description = "Wait this long after a change for more before indexing.", DefaultValueFactory = _ => 1000 };
        var workers = IndexingCommandOptions.Create();
        var command = new Command("watch", "Keep an index up to date: index new and changed files as they appear, remove deleted ones (runs until stopped).")
        {
            paths, index, device, models, threads, detector, keepOrientation, rescan, debounce,
        };
        workers.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var options = workers.Read(parse) with
            {
                Ocr = new OcrOptions { Onnx = new OnnxOptions { Device = parse.GetValue(device), ThreadsPerSession = parse.GetValue(threads) }, Detector = DetectorOptions.For(parse.GetValue(detector)) },
                Decode = ImageDecodeOptions.Default with { ApplyOrientation = !parse.GetValue(keepOrientation) },
                ModelsDirectory = parse.GetValue(models),
                Prune = true,
                EmbedWhenRegistered = true,
            };
            var request = new WatchRequest(parse.GetRequiredValue(paths), TimeSpan.FromSeconds(parse.GetValue(rescan)), TimeSpan.FromMilliseconds(parse.GetValue(debounce)));
            return RunAsync(request, parse.GetRequiredValue(index), options, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(WatchRequest request, string indexDirectory, IndexingOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        request.Validate();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss ");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(request);
        builder.Services.AddSingleton<IIndexStore>(_ => SqliteIndexStore.Open(new SqliteIndexOptions { Directory = indexDirectory }));
        builder.Services.AddSingleton<IndexingPipeline>();
        builder.Services.AddHostedService<WatchService>();
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
