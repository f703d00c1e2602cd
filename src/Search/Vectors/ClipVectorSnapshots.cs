using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>
/// A query's hold on one version of a channel's vectors (<see cref="ClipChannel.AcquireAsync"/>): the vectors stay
/// mapped until it is disposed, even when the channel moves on to a newer version meanwhile.
/// </summary>
public sealed class ClipVectorLease : IDisposable
{
    private ClipVectorSnapshot? snapshot;

    internal ClipVectorLease(ClipVectorSnapshot snapshot)
    {
        this.snapshot = snapshot;
    }

    public ClipVectorIndex Vectors => (snapshot ?? throw new ObjectDisposedException(nameof(ClipVectorLease))).Index;

    /// <summary>The index's embedding generation these vectors show.</summary>
    public long Generation => (snapshot ?? throw new ObjectDisposedException(nameof(ClipVectorLease))).Generation;

    public void Dispose() => Interlocked.Exchange(ref snapshot, null)?.Release();
}

/// <summary>One version of the vectors, counted while queries hold it; the last holder of a replaced version disposes it.</summary>
internal sealed class ClipVectorSnapshot(ClipVectorIndex index, long generation)
{
    private int holders = 1;

    public ClipVectorIndex Index => index;

    public long Generation => generation;

    public bool TryHold()
    {
        while (true)
        {
            var now = Volatile.Read(ref holders);
            if (now == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref holders, now + 1, now) == now)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref holders) == 0)
        {
            index.Dispose();
        }
    }
}

/// <summary>
/// The vectors of a channel and, when it follows the index (<see cref="ClipChannelOptions.Follow"/>), their renewal:
/// each acquire reads the index's embedding generation (one small query) and, when it moved, opens the current vector
/// file in the background (one renewal at a time), waiting up to <see cref="ClipChannelOptions.RefreshWait"/> for it;
/// queries that do not wait keep the version they had. A file found stale is rebuilt at most once per
/// <see cref="ClipChannelOptions.RebuildInterval"/> (a long indexing run changes the embeddings every batch, and the
/// run rewrites the file itself when it ends); meanwhile the previous version is searched and the file is looked at
/// again at most once a second.
/// </summary>
internal sealed partial class ClipVectorSnapshots : IDisposable
{
    private readonly IIndexStore store;
    private readonly string modelId;
    private readonly ClipChannelOptions options;
    private readonly ClipVectorFiles files;
    private readonly ILogger? logger;
    private readonly Lock gate = new();
    private ClipVectorSnapshot current;
    private Task? renewal;
    private long lastRebuild;
    private long nextAttempt;
    private bool disposed;

    private ClipVectorSnapshots(IIndexStore store, string modelId, ClipChannelOptions options, ILogger? logger, OpenedVectors opened)
    {
        this.store = store;
        this.modelId = modelId;
        this.options = options;
        this.logger = logger;
        files = new ClipVectorFiles(logger);
        current = new ClipVectorSnapshot(opened.Index, opened.Generation);
    }

    public ClipVectorSnapshot Current => Volatile.Read(ref current);

    public static async Task<ClipVectorSnapshots> OpenAsync(IIndexStore store, string modelId, ClipChannelOptions options, ILogger? logger, CancellationToken cancellationToken)
    {
        var opened = await new ClipVectorFiles(logger).OpenWithGenerationAsync(store, modelId, options.MemoryPrecision, rebuild: true, cancellationToken).ConfigureAwait(false);
        return new ClipVectorSnapshots(store, modelId, options, logger, opened!);
    }

    /// <summary>Renews the vectors when the index's embeddings changed (following only); returns the generation now searched.</summary>
    public async ValueTask<long> RefreshAsync(CancellationToken cancellationToken)
    {
        if (!options.Follow || store is not IEmbeddingStore embeddings)
        {
            return Current.Generation;
        }

        var generation = await embeddings.GetEmbeddingGenerationAsync(cancellationToken).ConfigureAwait(false);
        if (generation == Current.Generation)
        {
            return generation;
        }

        Task task;
        lock (gate)
        {
            if (renewal is null && Stopwatch.GetTimestamp() < Volatile.Read(ref nextAttempt))
            {
                return Current.Generation;
            }

            task = renewal ??= Task.Run(RenewAsync, CancellationToken.None);
        }

        try
        {
            await task.WaitAsync(options.RefreshWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still renewing: this query searches the version it has.
        }

        return Current.Generation;
    }

    public ClipVectorLease Hold()
    {
        while (true)
        {
            var snapshot = Current;
            if (snapshot.TryHold())
            {
                return new ClipVectorLease(snapshot);
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
        }

        Current.Release();
    }

    private async Task RenewAsync()
    {
        try
        {
            // Runs one at a time, so the fields it alone writes need no lock.
            var rebuild = lastRebuild == 0 || Stopwatch.GetElapsedTime(lastRebuild) >= options.RebuildInterval;
            var opened = await files.OpenWithGenerationAsync(store, modelId, options.MemoryPrecision, rebuild, CancellationToken.None).ConfigureAwait(false);
            if (opened is null)
            {
                if (logger is not null)
                {
                    LogWaiting(logger, options.RebuildInterval.TotalSeconds);
                }

                Volatile.Write(ref nextAttempt, Stopwatch.GetTimestamp() + Stopwatch.Frequency);
                return;
            }

            if (opened.Rebuilt)
            {
                lastRebuild = Stopwatch.GetTimestamp();
            }

            Swap(new ClipVectorSnapshot(opened.Index, opened.Generation));
        }
        catch (Exception e)
        {
            // The previous vectors stay in use; a query that sees the change a few seconds later tries again.
            Volatile.Write(ref nextAttempt, Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency));
            if (logger is not null)
            {
                LogRenewalFailed(logger, e);
            }
        }
        finally
        {
            lock (gate)
            {
                renewal = null;
            }
        }
    }

    private void Swap(ClipVectorSnapshot next)
    {
        ClipVectorSnapshot previous;
        lock (gate)
        {
            if (disposed)
            {
                next.Release();
                return;
            }

            previous = current;
            Volatile.Write(ref current, next);
        }

        previous.Release();
        if (logger is not null)
        {
            LogRenewed(logger, next.Index.Count, next.Index.ImageCount, next.Generation, next.Index.FilePath ?? "memory");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CLIP channel renewed: {Rows} embeddings of {Images} images at embedding generation {Generation} ({Source})")]
    private static partial void LogRenewed(ILogger logger, int rows, int images, long generation, string source);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The CLIP vector file is stale and was rebuilt less than {Seconds} s ago; searching the previous vectors until then")]
    private static partial void LogWaiting(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Renewing the CLIP vectors failed; searching the previous ones")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception);
}
