using System.Globalization;
using System.Threading.Channels;
using Retrieval.Models.Text.Recognition;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Pipeline;

/// <summary>
/// The single writer: turns finished items into documents and commits them in batches (by count or
/// age), one transaction each. It drains its input even after cancellation, so Ctrl+C commits what
/// was read; it never drops an item it received. A video's closing item waits here until every
/// frame of that video is committed (<see cref="VideoRun"/>), then the video's record is written.
/// Items that only add embeddings to an indexed image (<see cref="ImageWork.EmbedOnly"/>) are committed in the
/// same batches through <see cref="IEmbeddingStore.ReplaceEmbeddingsAsync"/>; their text records stay as they are.
/// </summary>
internal sealed class WriteStage(IIndexStore store, IndexingOptions options, IndexingStatus status, List<(string Path, string Error)> failures)
{
    private readonly List<VideoRun> closing = [];

    public async Task RunAsync(ChannelReader<ImageWork> input)
    {
        var batch = new List<ImageWork>(options.BatchSize);
        var oldest = DateTime.MinValue;
        while (true)
        {
            var waitFor = batch.Count == 0 ? Timeout.InfiniteTimeSpan : options.BatchInterval - (DateTime.UtcNow - oldest);
            bool more;
            if (waitFor == Timeout.InfiniteTimeSpan)
            {
                more = await input.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false);
            }
            else if (waitFor <= TimeSpan.Zero)
            {
                await CommitAsync(batch).ConfigureAwait(false);
                continue;
            }
            else
            {
                using var timeout = new CancellationTokenSource(waitFor);
                try
                {
                    more = await input.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await CommitAsync(batch).ConfigureAwait(false);
                    continue;
                }
            }

            if (!more)
            {
                break;
            }

            while (input.TryRead(out var item))
            {
                if (item.Closes is { } run)
                {
                    closing.Add(run);
                    await CloseFinishedVideosAsync().ConfigureAwait(false);
                    continue;
                }

                foreach (var ready in item.Frame is { } frame ? frame.Run.Release(item) : [item])
                {
                    if (batch.Count == 0)
                    {
                        oldest = DateTime.UtcNow;
                    }

                    batch.Add(ready);
                    if (batch.Count >= options.BatchSize)
                    {
                        await CommitAsync(batch).ConfigureAwait(false);
                    }
                }
            }
        }

        await CommitAsync(batch).ConfigureAwait(false);
    }

    private async Task CommitAsync(List<ImageWork> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        // Not cancellable: a batch that was read is committed whole, so an interrupted run loses nothing it finished.
        var documents = batch.Where(i => i.EmbedOnly is null).ToList();
        if (documents.Count > 0)
        {
            await store.WriteAsync(documents.Select(ToDocument).ToList(), CancellationToken.None).ConfigureAwait(false);
        }

        await CommitEmbeddingsAsync(batch.Where(i => i.EmbedOnly is not null).ToList()).ConfigureAwait(false);
        foreach (var item in documents)
        {
            var lines = item.Lines?.Count ?? 0;
            if (item.Frame is { } frame)
            {
                frame.Run.FrameCommitted(!item.Failed, lines);
                status.AddFrame(!item.Failed);
            }
            else
            {
                status.AddWritten(!item.Failed, lines);
            }

            if (item.Error is not null)
            {
                AddFailure(item.Frame is { } f ? string.Create(CultureInfo.InvariantCulture, $"{item.Source.Path} @ {f.Time.TotalSeconds:0.###} s") : item.Source.Path, item.Error);
            }

            CountEmbeddings(item, alone: false);
        }

        batch.Clear();
        await CloseFinishedVideosAsync().ConfigureAwait(false);
    }

    /// <summary>Embeddings for images whose text is already stored; an image that could not be read or embedded keeps its records and is reported.</summary>
    private async Task CommitEmbeddingsAsync(List<ImageWork> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        var embedded = items.Where(i => !i.Failed && i.Embeddings is not null).ToList();
        if (embedded.Count > 0)
        {
            var embeddings = store as IEmbeddingStore
                ?? throw new InvalidOperationException("Embeddings of indexed images need a store that can add them (IEmbeddingStore).");
            await embeddings.ReplaceEmbeddingsAsync(embedded.Select(i => new ImageEmbeddings(i.EmbedOnly!.ImageId, i.Embeddings!)).ToList(), CancellationToken.None).ConfigureAwait(false);
        }

        foreach (var item in items)
        {
            if (item.Error is not null)
            {
                AddFailure(item.Source.Path, $"not embedded: {item.Error}");
            }

            CountEmbeddings(item, alone: true);
        }
    }

    private void CountEmbeddings(ImageWork item, bool alone)
    {
        if (item.EmbeddingError is not null)
        {
            AddFailure(item.Source.Path, item.EmbeddingError);
        }

        if (!item.Failed && item.Embeddings is { Count: > 0 } embeddings)
        {
            status.AddEmbedded(embeddings.Count(e => e.Owner != EmbeddingOwnerKind.Image), alone);
        }
    }

    /// <summary>Writes the records of videos whose frames are all committed; a video left open stays Incomplete in the index.</summary>
    private async Task CloseFinishedVideosAsync()
    {
        var done = closing.Where(r => r.AllCommitted).ToList();
        if (done.Count == 0)
        {
            return;
        }

        await store.WriteAsync(done.Select(r => r.Record!).ToList(), CancellationToken.None).ConfigureAwait(false);
        foreach (var run in done)
        {
            closing.Remove(run);
            var record = run.Record!;
            status.AddWritten(record.Status == ImageStatus.Ok, (int)Math.Min(int.MaxValue, run.Lines));
            status.AddDuplicateFrames(run.Duplicates);
            if (record.Error is not null)
            {
                AddFailure(run.Source.Path, record.Error);
            }
        }
    }

    private void AddFailure(string path, string error)
    {
        lock (failures)
        {
            failures.Add((path, error));
        }
    }

    internal static ImageDocument ToDocument(ImageWork work)
    {
        var key = work.Frame is { } frame ? ImageKey.ForFrame(work.Source.Path, frame.Time) : ImageKey.ForFile(work.Source.Path);
        if (work.Error is not null)
        {
            return ImageDocument.Failed(key, work.Source.Root, work.Error, work.Source.Size, work.Source.Modified) with { ContentHash = work.ContentHash, FrameSpan = work.Frame?.Span };
        }

        return new ImageDocument
        {
            Key = key,
            Root = work.Source.Root,
            Size = work.Source.Size,
            Modified = work.Source.Modified,
            ContentHash = work.ContentHash,
            Width = work.Width,
            Height = work.Height,
            FrameSpan = work.Frame?.Span,
            Lines = (work.Lines ?? []).Select(LineDocument.From).ToList(),
            Embeddings = work.Embeddings ?? [],
        };
    }
}
