using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Sources;
using Retrieval.Indexer.Sources.Video;
using Retrieval.Models;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Pipeline;

/// <summary>What an indexing run did.</summary>
public sealed record IndexingSummary(
    long Discovered,
    long Indexed,
    long Skipped,
    long Failed,
    long Lines,
    long Pruned,
    TimeSpan Elapsed,
    bool Cancelled,
    IReadOnlyList<(string Path, string Error)> Failures,
    IReadOnlyList<SourceProblem> Problems,
    long VideoFrames = 0,
    long DuplicateFrames = 0,
    EmbeddingSummary? Embedding = null);

/// <summary>What a run with <c>--embed</c> embedded: images (each with a whole-image embedding) and text regions, by which model.</summary>
public sealed record EmbeddingSummary(long Images, long Regions, string ModelDirectory, string ModelId);

/// <summary>
/// The indexing path, one straight line of stages on bounded channels:
/// enumerate (walk + incremental check) -> decode -> detect -> recognize -> [embed] -> write.
/// With <see cref="IndexingOptions.Embedding"/> the embed stage adds CLIP embeddings, and images already indexed
/// that lack them are enumerated too (with no roots, every such image of the index): they are decoded and embedded
/// but not read again (<see cref="ImageWork.EmbedOnly"/>).
/// Each stage has its own parallelism (<see cref="IndexingOptions"/>); model sessions are created
/// before any file is read, so a missing or broken model fails the run at once. A bad file is an
/// item error recorded in the index and the summary, never a failed run; an unwritable index is.
/// One run at a time: a second caller (the watcher and the server's queue share a pipeline in
/// <c>retrieval serve</c>) waits for the first to finish, so <see cref="Status"/> describes one run.
/// A run that finishes brings the index's CLIP vector files up to date (<see cref="VectorFileUpkeep"/>), so searchers
/// that open them next find them current.
/// </summary>
public sealed partial class IndexingPipeline(IIndexStore store, IndexingOptions options, ILoggerFactory loggerFactory)
{
    private readonly ILogger logger = loggerFactory.CreateLogger<IndexingPipeline>();

    private readonly SemaphoreSlim oneRun = new(1, 1);

    public IndexingStatus Status { get; } = new();

    public async Task<IndexingSummary> RunAsync(IReadOnlyList<string> roots, CancellationToken cancellationToken)
    {
        await oneRun.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunOnceAsync(roots, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            oneRun.Release();
        }
    }

    private async Task<IndexingSummary> RunOnceAsync(IReadOnlyList<string> roots, CancellationToken cancellationToken)
    {
        options.Validate();
        var catalog = ModelCatalog.Open(options.ModelsDirectory);
        using var plan = options.Embedding is not null
            ? await EmbeddingPlan.OpenAsync(store, options, loggerFactory, cancellationToken).ConfigureAwait(false)
            : options.EmbedWhenRegistered ? await EmbeddingPlan.OpenIfRegisteredAsync(store, options, loggerFactory, cancellationToken).ConfigureAwait(false) : null;
        await store.EnsureModelsAsync(catalog.Hashes, options.Ocr.Recognizer.Folding, options.Rebuild, cancellationToken).ConfigureAwait(false);
        if (plan is not null)
        {
            await plan.PrepareIndexAsync(store, replace: options.Force || options.Rebuild, reembedAll: options.Force && roots.Count == 0, cancellationToken).ConfigureAwait(false);
        }

        var detectors = Enumerable.Range(0, options.DetectWorkers).Select(_ => DetectStage.Create(catalog, options, loggerFactory)).ToList();
        var recognizers = Enumerable.Range(0, options.RecognizeWorkers).Select(_ => RecognizeStage.Create(catalog, options, loggerFactory)).ToList();
        var failures = new List<(string Path, string Error)>();
        var walker = FolderWalker.ForImagesAndVideos();
        var videos = new VideoSource(store, options, Status, logger);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Status.Start();
        try
        {
            var toDecode = StageRunner.Bounded<ImageWork>(options.ChannelCapacity);
            var toDetect = StageRunner.Bounded<ImageWork>(options.ChannelCapacity);
            var toRecognize = StageRunner.Bounded<ImageWork>(options.ChannelCapacity);
            var toEmbed = plan is null ? null : StageRunner.Bounded<ImageWork>(options.ChannelCapacity);
            var toWrite = StageRunner.Bounded<ImageWork>(options.ChannelCapacity * 4);
            var decode = new DecodeStage(options.Decode);

            // A writer that fails (the disk is full, the index became unwritable) stops the stages
            // before it, which would otherwise wait forever for room in its input; its error is the run's.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var token = stop.Token;
            async Task WriteAllAsync()
            {
                try
                {
                    await new WriteStage(store, options, Status, failures).RunAsync(toWrite.Reader).ConfigureAwait(false);
                }
                catch
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            }

            var enumerate = Task.Run(
                () => roots.Count == 0 && plan is not null
                    ? EnumerateUnembeddedAsync(plan, failures, toDecode.Writer, token)
                    : EnumerateAsync(roots, walker, videos, seen, plan, toDecode.Writer, token),
                token);
            var decoding = StageRunner.Run(toDecode.Reader, toDetect.Writer, options.DecodeWorkers, _ => Guarded("decoding", decode.Run), token);
            var detecting = StageRunner.Run(toDetect.Reader, toRecognize.Writer, options.DetectWorkers, i => Guarded("text detection", detectors[i].Run), token);
            var recognizing = StageRunner.Run(toRecognize.Reader, (toEmbed ?? toWrite).Writer, options.RecognizeWorkers, i => Guarded("text recognition", recognizers[i].Run), token);
            var embedding = plan is null || toEmbed is null
                ? Task.CompletedTask
                : StageRunner.Run(toEmbed.Reader, toWrite.Writer, plan.Options.Workers, _ => plan.CreateStage().Run, token);
            var writing = WriteAllAsync();

            var cancelled = false;
            try
            {
                await Task.WhenAll(enumerate, decoding, detecting, recognizing, embedding).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                cancelled = true;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped by the failed writer; awaiting it below throws its error.
            }
            finally
            {
                toWrite.Writer.TryComplete();
            }

            await writing.ConfigureAwait(false);
            if (options.Prune && !cancelled)
            {
                await PruneAsync(roots, seen, cancellationToken).ConfigureAwait(false);
            }

            if (!cancelled)
            {
                await VectorFileUpkeep.RefreshAsync(store, plan?.ModelId, logger, cancellationToken).ConfigureAwait(false);
            }

            var embedded = plan is null ? null : new EmbeddingSummary(Status.Embedded, Status.EmbeddedRegions, plan.Registration.ModelDirectory, plan.ModelId);
            return new IndexingSummary(
                Status.Discovered, Status.Indexed, Status.Skipped, Status.Failed, Status.Lines, Status.Pruned, Status.Elapsed, cancelled, failures, walker.Problems,
                Status.Frames, Status.DuplicateFrames, embedded);
        }
        finally
        {
            Status.Stop();
            detectors.ForEach(d => d.Dispose());
            recognizers.ForEach(r => r.Dispose());
        }
    }

    /// <summary>
    /// Walks the roots and queues every file that is new or changed since it was indexed; a video is
    /// expanded into its frames here (one video at a time, its ffmpeg paced by the bounded channel).
    /// </summary>
    private async Task EnumerateAsync(
        IReadOnlyList<string> roots, FolderWalker walker, VideoSource videos, HashSet<string> seen, EmbeddingPlan? plan, ChannelWriter<ImageWork> output, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var file in walker.Walk(roots, cancellationToken))
            {
                seen.Add(file.Path);
                Status.AddDiscovered();
                if (VideoFiles.IsVideo(file.Path))
                {
                    await videos.ExpandAsync(file, output, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!options.Force && !options.Rebuild)
                {
                    var existing = await store.FindImageAsync(ImageKey.ForFile(file.Path), cancellationToken).ConfigureAwait(false);
                    if (existing is not null && existing.Size == file.Size && existing.Modified == file.Modified)
                    {
                        Status.AddSkipped();
                        if (plan is not null && existing.Status == ImageStatus.Ok && !plan.IsEmbedded(existing.Id))
                        {
                            await output.WriteAsync(await EmbedOnlyAsync(file, existing, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                        }

                        continue;
                    }
                }

                Status.Current = file.Path;
                await output.WriteAsync(new ImageWork(file), cancellationToken).ConfigureAwait(false);
            }

            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete(e is OperationCanceledException ? null : e);
            throw;
        }
    }

    /// <summary>
    /// <c>index --embed</c> with no paths: every image of the index that lacks the model's embeddings, read from the
    /// index (a file changed since it was indexed is left for a run that re-reads it, and reported).
    /// </summary>
    private async Task EnumerateUnembeddedAsync(EmbeddingPlan plan, List<(string Path, string Error)> failures, ChannelWriter<ImageWork> output, CancellationToken cancellationToken)
    {
        try
        {
            // Listed first: the reader's snapshot is not held open while the channel waits for the embedder.
            var images = new List<StoredImage>();
            await foreach (var image in plan.Store.ImagesWithoutEmbeddingsAsync(plan.ModelId, cancellationToken).ConfigureAwait(false))
            {
                images.Add(image);
            }

            foreach (var image in images)
            {
                Status.AddDiscovered();
                Status.AddSkipped();
                var info = new FileInfo(image.Key.Path);
                if (!info.Exists || info.Length != image.Size || new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) != image.Modified)
                {
                    lock (failures)
                    {
                        failures.Add((image.Key.Path, "not embedded: the file changed or is gone since it was indexed; index its folder again to re-read it"));
                    }

                    continue;
                }

                var file = new SourceFile(image.Key.Path, image.Root, image.Size, image.Modified);
                Status.Current = file.Path;
                await output.WriteAsync(await EmbedOnlyAsync(file, image, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }

            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete(e is OperationCanceledException ? null : e);
            throw;
        }
    }

    private async Task<ImageWork> EmbedOnlyAsync(SourceFile file, StoredImage image, CancellationToken cancellationToken)
    {
        var lines = await store.GetImageLinesAsync(image.Id, cancellationToken).ConfigureAwait(false);
        return new ImageWork(file) { EmbedOnly = new EmbedOnlyWork(image.Id, [.. lines.Select(l => l.Quad)]) };
    }

    private async Task PruneAsync(IReadOnlyList<string> roots, HashSet<string> seen, CancellationToken cancellationToken)
    {
        foreach (var root in roots.Select(Path.GetFullPath).Where(Directory.Exists))
        {
            var gone = new List<string>();
            await foreach (var image in store.ListImagesUnderAsync(root, cancellationToken).ConfigureAwait(false))
            {
                if (!seen.Contains(image.Key.Path) && !File.Exists(image.Key.Path))
                {
                    gone.Add(image.Key.Path);
                }
            }

            if (gone.Count > 0)
            {
                Status.AddPruned(await store.DeletePathsAsync(gone.Distinct().ToList(), cancellationToken).ConfigureAwait(false));
            }
        }
    }

    /// <summary>An unexpected failure on one image (a model error on odd input) fails that image, not the run.</summary>
    internal static Func<ImageWork, CancellationToken, ImageWork> Guarded(ILogger logger, string stage, Func<ImageWork, CancellationToken, ImageWork> run) => (work, ct) =>
    {
        try
        {
            return run(work, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogItemFailed(logger, work.Source.Path, stage, e);
            return work with { Error = $"{stage} failed: {e.Message}", Pixels = null, Detection = null };
        }
    };

    private Func<ImageWork, CancellationToken, ImageWork> Guarded(string stage, Func<ImageWork, CancellationToken, ImageWork> run) => Guarded(logger, stage, run);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path}: {Stage} failed")]
    private static partial void LogItemFailed(ILogger logger, string path, string stage, Exception exception);
}
