using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Cli;
using Retrieval.Indexer.Pipeline;
using Retrieval.Indexer.Server;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text;
using Retrieval.Models.Text.Detection;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Commands;

/// <summary>
/// <c>retrieval serve [--index DIR | --store LOCATION [--read-store REPLICA]] [--urls URL] [--watch FOLDER]...</c>:
/// the HTTP API and the web page, with the indexer in the same process (unless --read-only). Runs until
/// stopped. On a PostgreSQL store any number of these run side by side as search nodes (usually
/// --read-only, while <c>retrieval index --worker</c> processes write).
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Index();
        var store = CommonOptions.Store();
        var readStore = new Option<string?>("--read-store") { Description = "PostgreSQL only: the database searches read from, e.g. a read replica (postgres://... or a connection string); writes still go to --store." };
        var similarity = CommonOptions.WordSimilarity();
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, separated by ';' (port 0 picks a free one). Anything but loopback needs --api-key.",
            DefaultValueFactory = _ => ServeOptions.DefaultUrl,
        };
        var watch = new Option<string[]>("--watch") { Description = "A folder to keep indexed while serving (repeat for more).", AllowMultipleArgumentsPerToken = false };
        var apiKey = new Option<string?>("--api-key") { Description = $"The key clients must send (X-Api-Key header) to write, and to read when listening beyond loopback; default ${ServeOptions.ApiKeyVariable}." };
        var publicRead = new Option<bool>("--public-read") { Description = "Let anyone search and view images without the key, even beyond loopback (writes still need it)." };
        var readOnly = new Option<bool>("--read-only") { Description = "Open the index read-only (another process writes it): no indexing, no deletes." };
        var thumbnails = new Option<string?>("--thumbnails") { Description = "Folder for cached thumbnails (default: thumbnails/ in the index folder)." };
        var rescan = new Option<int>("--rescan-seconds") { Description = "Full rescan period of watched folders.", DefaultValueFactory = _ => 300 };
        var debounce = new Option<int>("--debounce-ms") { Description = "Wait this long after a change in a watched folder for more before indexing.", DefaultValueFactory = _ => 1000 };
        var device = CommonOptions.Device();
        var detector = CommonOptions.Detector();
        var models = CommonOptions.Models();
        var threads = CommonOptions.Threads();
        var keepOrientation = CommonOptions.KeepOrientation();
        var workers = IndexingCommandOptions.Create();
        var fusion = FusionCommandOptions.Create();
        var command = new Command("serve", "Serve the search API and web page over an index, indexing folders in the same process (runs until stopped).")
        {
            index, store, readStore, similarity, urls, watch, apiKey, publicRead, readOnly, thumbnails, rescan, debounce, device, models, threads, detector, keepOrientation,
        };
        workers.AddTo(command);
        fusion.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var folders = parse.GetValue(watch) ?? [];
            var options = new ServeOptions
            {
                IndexDirectory = parse.GetRequiredValue(index),
                Store = parse.GetValue(store),
                ReadStore = parse.GetValue(readStore),
                WordSimilarity = parse.GetValue(similarity),
                Urls = parse.GetRequiredValue(urls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ApiKey = parse.GetValue(apiKey) ?? NullIfEmpty(Environment.GetEnvironmentVariable(ServeOptions.ApiKeyVariable)),
                PublicRead = parse.GetValue(publicRead),
                ReadOnly = parse.GetValue(readOnly),
                WatchFolders = folders,
                ThumbnailDirectory = parse.GetValue(thumbnails),
                Fusion = fusion.Read(parse),
            };
            var indexing = workers.Read(parse) with
            {
                Ocr = new OcrOptions { Onnx = new OnnxOptions { Device = parse.GetValue(device), ThreadsPerSession = parse.GetValue(threads) }, Detector = DetectorOptions.For(parse.GetValue(detector)) },
                Decode = ImageDecodeOptions.Default with { ApplyOrientation = !parse.GetValue(keepOrientation) },
                ModelsDirectory = parse.GetValue(models),
                Prune = true,
                EmbedWhenRegistered = true,
            };
            var watchRequest = folders.Length == 0 ? null : new WatchRequest(folders, TimeSpan.FromSeconds(parse.GetValue(rescan)), TimeSpan.FromMilliseconds(parse.GetValue(debounce)));
            return RunAsync(options, indexing, watchRequest, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(ServeOptions options, IndexingOptions indexing, WatchRequest? watch, CancellationToken cancellationToken)
    {
        try
        {
            options.Validate();
            indexing.Validate();
            watch?.Validate();
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"serve: {e.Message}");
            return 2;
        }

        IIndexStore store;
        try
        {
            var readFrom = options.ReadStore is null ? null : IndexStoreLocation.Parse(options.ReadStore).Value;
            store = await IndexStoreFactory.OpenAsync(
                IndexStoreLocation.Parse(options.Location),
                options.ReadOnly,
                rebuild: false,
                postgres => postgres with { ReadConnectionString = readFrom, WordSimilarityThreshold = options.WordSimilarity },
                cancellationToken);
        }
        catch (IndexStoreException e)
        {
            await Console.Error.WriteLineAsync($"serve: {e.Message}");
            return 1;
        }

        await using (store)
        {
            // The CLIP channel follows the index: embeddings that `index --embed` (or this server's watcher) adds or removes
            // are searched from the next query on. A model registered after the server started needs a restart.
            using var logging = ConsoleLogging.Create(quiet: false, LogLevel.Information);
            using var clip = await SearchCommand.OpenClipAsync(store, options.Fusion, cancellationToken, logging.CreateLogger("Retrieval.Search.Vectors"), follow: true);
            await using var app = RetrievalServer.Build(
                options,
                store,
                builder =>
                {
                    if (!options.ReadOnly)
                    {
                        builder.Services.AddServeIndexing(indexing, watch);
                    }
                },
                clip);
            await app.StartAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
        }

        return 0;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
