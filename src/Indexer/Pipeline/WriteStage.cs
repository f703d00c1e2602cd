using System.Threading.Channels;
using Retrieval.Models.Text.Recognition;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Pipeline;

/// <summary>
/// The single writer: turns finished items into documents and commits them in batches (by count or
/// age), one transaction each. It drains its input even after cancellation, so Ctrl+C commits what
/// was read; it never drops an item it received.
/// </summary>
internal sealed class WriteStage(IIndexStore store, IndexingOptions options, IndexingStatus status, List<(string Path, string Error)> failures)
{
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
                if (batch.Count == 0)
                {
                    oldest = DateTime.UtcNow;
                }

                batch.Add(item);
                if (batch.Count >= options.BatchSize)
                {
                    await CommitAsync(batch).ConfigureAwait(false);
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
        await store.WriteAsync(batch.Select(ToDocument).ToList(), CancellationToken.None).ConfigureAwait(false);
        foreach (var item in batch)
        {
            status.AddWritten(!item.Failed, item.Lines?.Count ?? 0);
            if (item.Error is not null)
            {
                lock (failures)
                {
                    failures.Add((item.Source.Path, item.Error));
                }
            }
        }

        batch.Clear();
    }

    internal static ImageDocument ToDocument(ImageWork work)
    {
        var key = ImageKey.ForFile(work.Source.Path);
        if (work.Error is not null)
        {
            return ImageDocument.Failed(key, work.Source.Root, work.Error, work.Source.Size, work.Source.Modified) with { ContentHash = work.ContentHash };
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
            Lines = (work.Lines ?? []).Select(ToLine).ToList(),
        };
    }

    private static LineDocument ToLine(RecognizedLine line) =>
        new(line.Quad, line.Text, line.Confidence, line.Lattice, line.Words.Select(w => new WordDocument(w.Quad, w.Text, w.Confidence)).ToList());
}
