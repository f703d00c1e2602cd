using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Cli;
using Retrieval.Indexer.Output;
using Retrieval.Indexer.Pipeline;
using Retrieval.Indexer.Sources.Video;
using Retrieval.Models.Clip;
using Retrieval.Models.Imaging;
using Retrieval.Models.Onnx;
using Retrieval.Models.Text;
using Retrieval.Models.Text.Detection;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;
using Spectre.Console;

namespace Retrieval.Indexer.Commands;

/// <summary>
/// <c>retrieval index PATH... [--index DIR | --store LOCATION]</c>: index folders and files, then exit
/// with a summary. With a PostgreSQL <c>--store</c>, <c>--worker</c> makes this process one of many
/// workers on the shared job queue (see <see cref="IndexWorkerMode"/>).
/// </summary>
internal static class IndexCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Folders (walked recursively for images and videos), image files and video files to index (optional with --worker).", Arity = ArgumentArity.ZeroOrMore };
        var index = CommonOptions.Index();
        var store = CommonOptions.Store();
        var rebuild = new Option<bool>("--rebuild") { Description = "Clear the index first; also needed to index with different models." };
        var prune = new Option<bool>("--prune") { Description = "Drop records of files under the given folders that no longer exist." };
        var force = new Option<bool>("--force") { Description = "Re-read files even when their size and modified time are unchanged." };
        var device = CommonOptions.Device();
        var detector = CommonOptions.Detector();
        var models = CommonOptions.Models();
        var threads = CommonOptions.Threads();
        var keepOrientation = CommonOptions.KeepOrientation();
        var workers = IndexingCommandOptions.Create();
        var embed = EmbeddingCommandOptions.Create();
        var command = new Command("index", "Index the text in images and video keyframes under folders or files, incrementally; prints a summary at the end.")
        {
            paths, index, store, rebuild, prune, force, device, models, threads, detector, keepOrientation,
        };
        workers.AddTo(command);
        embed.AddTo(command);
        var workerMode = IndexWorkerMode.Create();
        workerMode.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var options = workers.Read(parse) with
            {
                Ocr = new OcrOptions { Onnx = new OnnxOptions { Device = parse.GetValue(device), ThreadsPerSession = parse.GetValue(threads) }, Detector = DetectorOptions.For(parse.GetValue(detector)) },
                Decode = ImageDecodeOptions.Default with { ApplyOrientation = !parse.GetValue(keepOrientation) },
                ModelsDirectory = parse.GetValue(models),
                Rebuild = parse.GetValue(rebuild),
                Prune = parse.GetValue(prune),
                Force = parse.GetValue(force),
                Embedding = embed.Read(parse, parse.GetValue(device), parse.GetValue(threads)),
            };
            var location = parse.GetValue(store) ?? parse.GetRequiredValue(index);
            var roots = parse.GetValue(paths) ?? [];
            if (options.Embedding is not null && IndexStoreLocation.Parse(location).Kind != IndexStoreKind.Sqlite)
            {
                Console.Error.WriteLine("index: --embed needs a SQLite index (--index DIR); PostgreSQL stores hold no CLIP embeddings yet. Index without --embed.");
                return Task.FromResult(CommandFailures.Usage);
            }

            if (workerMode.Requested(parse))
            {
                return workerMode.RunAsync(parse, roots, location, options, ct);
            }

            if (roots.Length == 0 && options.Embedding is null)
            {
                Console.Error.WriteLine("index: give the folders or files to index (or --embed alone to embed what is indexed, or --worker to take jobs from a PostgreSQL queue).");
                return Task.FromResult(2);
            }

            return RunAsync(roots, location, options, ct);
        });
        return command;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> roots, string location, IndexingOptions options, CancellationToken cancellationToken) =>
        (await RunWithSummaryAsync(roots, location, options, cancellationToken).ConfigureAwait(false)).ExitCode;

    /// <summary>As <see cref="RunAsync"/>, also returning the run's summary (what this run indexed, for measuring it).</summary>
    public static async Task<(int ExitCode, IndexingSummary Summary)> RunWithSummaryAsync(IReadOnlyList<string> roots, string location, IndexingOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        options = await EmbeddingCommandOptions.KeepRegistrationAsync(location, options, cancellationToken).ConfigureAwait(false);
        await using var store = await IndexStoreFactory.OpenAsync(location, readOnly: false, rebuild: options.Rebuild, cancellationToken).ConfigureAwait(false);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new IndexRequest(roots));
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<IndexingPipeline>();
        builder.Services.AddSingleton<IndexingService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IndexingService>());
        using var host = builder.Build();
        var service = host.Services.GetRequiredService<IndexingService>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);

        // Ctrl+C and SIGTERM reach the host's console lifetime (which keeps the process alive and
        // signals ApplicationStopping), not cancellationToken: either one stops the run, and the
        // pipeline commits what it finished before the summary is printed.
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        await using (interrupted.Token.Register(() => _ = host.StopAsync(CancellationToken.None)))
        {
            await ProgressDisplay.ShowAsync(service.Status, service.Completion).ConfigureAwait(false);
        }

        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        var summary = await service.Completion.ConfigureAwait(false);
        if (!summary.Cancelled)
        {
            // Also for a run that found nothing new: an index written before compaction existed gets it then.
            await store.CompactAsync(cancellationToken).ConfigureAwait(false);
        }

        SummaryOutput.Write(Console.Out, summary, (await store.GetInfoAsync(CancellationToken.None).ConfigureAwait(false)).Location);
        return (summary.Cancelled ? 130 : 0, summary);
    }
}

/// <summary>The stage parallelism and batching options, shared by <c>index</c> and <c>watch</c>.</summary>
internal sealed class IndexingCommandOptions
{
    private readonly Option<int> decodeWorkers = new("--decode-workers") { Description = "Parallel image decoders.", DefaultValueFactory = _ => new IndexingOptions().DecodeWorkers };
    private readonly Option<int> detectWorkers = new("--detect-workers") { Description = "Parallel text detector sessions.", DefaultValueFactory = _ => new IndexingOptions().DetectWorkers };
    private readonly Option<int> recognizeWorkers = new("--recognize-workers") { Description = "Parallel text recognizer sessions.", DefaultValueFactory = _ => new IndexingOptions().RecognizeWorkers };
    private readonly Option<int> batchSize = new("--batch-size") { Description = "Images per write transaction.", DefaultValueFactory = _ => new IndexingOptions().BatchSize };
    private readonly Option<double> videoInterval = new("--video-interval") { Description = "Videos: read at least one frame every this many seconds (besides keyframes and scene changes).", DefaultValueFactory = _ => VideoOptions.Default.MaxInterval.TotalSeconds };
    private readonly Option<int> videoFramesPerMinute = new("--video-frames-per-minute") { Description = "Videos: read at most this many frames per minute of video.", DefaultValueFactory = _ => VideoOptions.Default.MaxFramesPerMinute };
    private readonly Option<string?> ffmpeg = new("--ffmpeg") { Description = "Videos: the ffmpeg executable (default: ffmpeg on PATH, else the one 'bash build/fetch-native-deps.sh ffmpeg' fetched)." };

    public static IndexingCommandOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(decodeWorkers);
        command.Options.Add(detectWorkers);
        command.Options.Add(recognizeWorkers);
        command.Options.Add(batchSize);
        command.Options.Add(videoInterval);
        command.Options.Add(videoFramesPerMinute);
        command.Options.Add(ffmpeg);
    }

    public IndexingOptions Read(ParseResult parse) => new()
    {
        DecodeWorkers = parse.GetValue(decodeWorkers),
        DetectWorkers = parse.GetValue(detectWorkers),
        RecognizeWorkers = parse.GetValue(recognizeWorkers),
        BatchSize = parse.GetValue(batchSize),
        Video = VideoOptions.Default with
        {
            MaxInterval = TimeSpan.FromSeconds(parse.GetValue(videoInterval)),
            MaxFramesPerMinute = parse.GetValue(videoFramesPerMinute),
            FfmpegPath = parse.GetValue(ffmpeg),
        },
    };
}

/// <summary>The CLIP embedding options of <c>index</c> (and <c>eval</c>): <c>--embed</c> and how it embeds.</summary>
internal sealed class EmbeddingCommandOptions
{
    private readonly Option<bool> embed = new("--embed") { Description = "Add CLIP embeddings (the model `retrieval models add-clip` registered) to the images read and to indexed images that lack them; with no paths, embed the whole index without reading its text again." };
    private readonly Option<string> precision = new("--embed-precision") { Description = "How embeddings are stored: float16, float32 or int8 (with a scale).", DefaultValueFactory = _ => "float16" };
    private readonly Option<int> maxRegions = new("--embed-regions") { Description = "Most text regions (lines or groups of nearby lines) embedded per image, besides the whole image; 0 for the whole image only.", DefaultValueFactory = _ => new ClipFocusOptions().MaxRegions };

    public static EmbeddingCommandOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(embed);
        command.Options.Add(precision);
        command.Options.Add(maxRegions);
    }

    /// <summary>The embedding options, or null without --embed.</summary>
    public EmbeddingOptions? Read(ParseResult parse, ExecutionDevice device, int threads)
    {
        if (!parse.GetValue(embed))
        {
            return null;
        }

        var stored = parse.GetValue(precision)?.ToUpperInvariant() switch
        {
            "FLOAT16" => EmbeddingPrecision.Float16,
            "FLOAT32" => EmbeddingPrecision.Float32,
            "INT8" => EmbeddingPrecision.Int8,
            var other => throw new ArgumentException($"--embed-precision must be float16, float32 or int8 (got '{other}')."),
        };
        return new EmbeddingOptions
        {
            Precision = stored,
            Focus = new ClipFocusOptions { MaxRegions = parse.GetValue(maxRegions) },
            Encoder = new ClipEncoderOptions { Onnx = new OnnxOptions { Device = device, ThreadsPerSession = threads } },
        };
    }

    /// <summary>
    /// <c>--rebuild</c> clears the index, settings included; a run that also embeds reads the registered CLIP model
    /// first so the rebuilt index embeds with it (and records it again).
    /// </summary>
    public static async Task<IndexingOptions> KeepRegistrationAsync(string location, IndexingOptions options, CancellationToken cancellationToken)
    {
        if (options.Embedding is not { Registration: null } embedding || !options.Rebuild)
        {
            return options;
        }

        try
        {
            await using var existing = await IndexStoreFactory.OpenAsync(location, readOnly: true, rebuild: false, cancellationToken).ConfigureAwait(false);
            var registration = await ClipModelRegistration.ReadAsync(existing, cancellationToken).ConfigureAwait(false);
            return registration is null ? options : options with { Embedding = embedding with { Registration = registration } };
        }
        catch (IndexStoreException)
        {
            // Nothing readable to keep: the rebuild starts from scratch and --embed reports the missing registration.
            return options;
        }
    }
}

/// <summary>The progress bar of an indexing run (files done, images/s, ETA, errors), on stderr when it is a terminal.</summary>
internal static class ProgressDisplay
{
    public static async Task ShowAsync(IndexingStatus status, Task completion)
    {
        if (Console.IsErrorRedirected)
        {
            await Task.WhenAny(completion).ConfigureAwait(false);
            return;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("indexing", maxValue: 1);
                while (!completion.IsCompleted)
                {
                    var total = Math.Max(1, status.Discovered - status.Skipped);
                    task.MaxValue = total;
                    task.Value = status.Indexed + status.Failed;
                    var frames = status.Frames > 0 ? string.Create(CultureInfo.InvariantCulture, $" (+{status.Frames} video frames)") : string.Empty;
                    var embedded = status.Embedded > 0 ? string.Create(CultureInfo.InvariantCulture, $", {status.Embedded} embedded") : string.Empty;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{status.Indexed + status.Failed}/{total} files{frames}{embedded}, {status.ImagesPerSecond:0.0}/s, {status.Failed} errors");
                    await Task.WhenAny(completion, Task.Delay(250)).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
    }
}
