using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Sources;
using Retrieval.Models;
using Retrieval.Search.Jobs;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Pipeline;

/// <summary>
/// The indexing pipeline in worker mode (<c>retrieval index --store postgres://... --worker</c>), one
/// of many workers on a shared job queue: enumerate = the jobs an <see cref="IndexWorker"/> leases
/// (up to <see cref="IndexWorkerOptions.MaxInFlight"/> in the pipeline at once); decode, detect and
/// recognize are the stages of <see cref="IndexingPipeline"/> with the same options; write = the worker
/// completing each job with its image record in one transaction. A bad file completes its job with a
/// failed-image record, as in a normal run; only an unexpected error fails the attempt.
/// </summary>
public sealed class JobPipeline(PostgresJobQueue queue, IndexingOptions options, ILoggerFactory loggerFactory)
{
    private readonly ILogger logger = loggerFactory.CreateLogger<JobPipeline>();

    public IndexingStatus Status { get; } = new();

    public async Task<IndexWorkerSummary> RunAsync(IndexWorkerOptions worker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        options.Validate();
        if (options.Embedding is not null)
        {
            throw new ArgumentException("--embed does not work with --worker: PostgreSQL indexes hold no CLIP embeddings yet. Run the workers without --embed.");
        }

        var catalog = ModelCatalog.Open(options.ModelsDirectory);
        await queue.Store.EnsureModelsAsync(catalog.Hashes, options.Ocr.Recognizer.Folding, rebuild: false, cancellationToken).ConfigureAwait(false);

        var detectors = Enumerable.Range(0, options.DetectWorkers).Select(_ => DetectStage.Create(catalog, options, loggerFactory)).ToList();
        var recognizers = Enumerable.Range(0, options.RecognizeWorkers).Select(_ => RecognizeStage.Create(catalog, options, loggerFactory)).ToList();
        var toDecode = StageRunner.Bounded<ImageWork>(options.ChannelCapacity);
        var toDetect = StageRunner.Bounded<ImageWork>(options.ChannelCapacity);
        var toRecognize = StageRunner.Bounded<ImageWork>(options.ChannelCapacity);
        var done = StageRunner.Bounded<ImageWork>(options.ChannelCapacity);
        var decode = new DecodeStage(options.Decode);

        // The stages outlive every job: they stop when the worker is done and their input completes (or on cancellation).
        var stages = new[]
        {
            StageRunner.Run(toDecode.Reader, toDetect.Writer, options.DecodeWorkers, _ => IndexingPipeline.Guarded(logger, "decoding", decode.Run), cancellationToken),
            StageRunner.Run(toDetect.Reader, toRecognize.Writer, options.DetectWorkers, i => IndexingPipeline.Guarded(logger, "text detection", detectors[i].Run), cancellationToken),
            StageRunner.Run(toRecognize.Reader, done.Writer, options.RecognizeWorkers, i => IndexingPipeline.Guarded(logger, "text recognition", recognizers[i].Run), cancellationToken),
            DeliverAsync(done.Reader),
        };

        async Task<IReadOnlyList<ImageDocument>> ProcessAsync(JobLease lease, CancellationToken jobToken)
        {
            var completion = new TaskCompletionSource<ImageDocument>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var abandon = jobToken.Register(() => completion.TrySetCanceled(jobToken));
            Status.AddDiscovered();
            Status.Current = lease.Path;
            await toDecode.Writer.WriteAsync(new ImageWork(new SourceFile(lease.Path, lease.Root, lease.Size, lease.Modified)) { Completion = completion }, jobToken).ConfigureAwait(false);
            return [await completion.Task.ConfigureAwait(false)];
        }

        Status.Start();
        try
        {
            return await new IndexWorker(queue, ProcessAsync, worker, loggerFactory.CreateLogger<IndexWorker>()).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            toDecode.Writer.TryComplete();
            try
            {
                await Task.WhenAll(stages).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // A job abandoned on shutdown may still be in a stage; its lease is given back or expires.
            }

            Status.Stop();
            detectors.ForEach(d => d.Dispose());
            recognizers.ForEach(r => r.Dispose());
        }
    }

    /// <summary>Hands each finished image to the job waiting for it (a job that was abandoned ignores it).</summary>
    private async Task DeliverAsync(System.Threading.Channels.ChannelReader<ImageWork> input)
    {
        await foreach (var work in input.ReadAllAsync().ConfigureAwait(false))
        {
            Status.AddWritten(!work.Failed, work.Lines?.Count ?? 0);
            work.Completion?.TrySetResult(WriteStage.ToDocument(work));
        }
    }
}
