using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retrieval.Search.Store;

namespace Retrieval.Search.Jobs;

/// <summary>
/// One indexer worker: keeps up to <see cref="IndexWorkerOptions.MaxInFlight"/> jobs leased,
/// heartbeats the leases while a <see cref="JobProcessor"/> turns each into image records, and
/// completes each job with its records in one transaction, leasing the next as a slot frees. Any
/// number of workers (threads, processes, machines) run against one queue. The worker rides out a
/// database restart: calls that fail with <see cref="IndexUnavailableException"/> are retried with
/// backoff for <see cref="IndexWorkerOptions.ReconnectTimeout"/>. A lost lease cancels that job's
/// processing and drops its result (another worker has it); a processor exception fails the attempt.
/// Cancelling <see cref="RunAsync"/> gives unfinished jobs back to the queue.
/// </summary>
public sealed partial class IndexWorker
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly PostgresJobQueue queue;
    private readonly JobProcessor process;
    private readonly IndexWorkerOptions options;
    private readonly ILogger logger;
    private long completed;
    private long images;
    private long failed;
    private long lost;
    private long retries;
    private long databaseTicks;

    public IndexWorker(PostgresJobQueue queue, JobProcessor process, IndexWorkerOptions options, ILogger<IndexWorker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(queue.Options);
        this.queue = queue;
        this.process = process;
        this.options = options;
        this.logger = logger ?? NullLogger<IndexWorker>.Instance;
    }

    public string WorkerId => options.WorkerId;

    /// <summary>Jobs completed so far (live, for progress display).</summary>
    public long Completed => Interlocked.Read(ref completed);

    /// <summary>Runs until the queue is drained (<see cref="IndexWorkerOptions.ExitWhenDrained"/>) or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="IndexStoreException">The database stayed unreachable past the reconnect timeout, or another store error.</exception>
    public async Task<IndexWorkerSummary> RunAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var held = new ConcurrentDictionary<long, CancellationTokenSource>();
        var running = new List<Task>();
        using var slots = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
        using var stopHeartbeat = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(held, stopHeartbeat.Token);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Fill the free slots (at least one: wait for it), in lease calls of at most LeaseBatch.
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                var free = 1;
                while (free < options.LeaseBatch && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                var leases = await RetryAsync(ct => queue.LeaseAsync(options.WorkerId, free, ct), cancellationToken).ConfigureAwait(false);
                if (free > leases.Count)
                {
                    slots.Release(free - leases.Count);
                }

                foreach (var lease in leases)
                {
                    var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    held[lease.JobId] = source;
                    running.Add(RunOneAsync(lease, source, held, slots, cancellationToken));
                }

                if (running.FirstOrDefault(t => t.IsFaulted) is { } faulted)
                {
                    await faulted.ConfigureAwait(false);
                }

                running.RemoveAll(t => t.IsCompleted);
                if (leases.Count > 0)
                {
                    continue;
                }

                if (options.ExitWhenDrained && held.IsEmpty && !await RetryAsync(queue.HasPendingAsync, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                // Nothing to lease now: jobs are held by others (or by us), or the queue is empty.
                await Task.Delay(options.IdlePoll, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(running).ConfigureAwait(false);
            await stopHeartbeat.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }

        return new IndexWorkerSummary(
            options.WorkerId,
            Interlocked.Read(ref completed),
            Interlocked.Read(ref images),
            Interlocked.Read(ref failed),
            Interlocked.Read(ref lost),
            Interlocked.Read(ref retries),
            stopwatch.Elapsed,
            TimeSpan.FromTicks(Interlocked.Read(ref databaseTicks)));
    }

    private async Task RunOneAsync(JobLease lease, CancellationTokenSource source, ConcurrentDictionary<long, CancellationTokenSource> held, SemaphoreSlim slots, CancellationToken runToken)
    {
        try
        {
            // Off the leasing loop: the processor may do its work synchronously before its first await.
            await Task.Run(() => ProcessOneAsync(lease, source.Token, runToken), CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
        }
        finally
        {
            held.TryRemove(lease.JobId, out _);
            source.Dispose();
            slots.Release();
        }
    }

    private async Task ProcessOneAsync(JobLease lease, CancellationToken jobToken, CancellationToken runToken)
    {
        IReadOnlyList<ImageDocument> documents;
        try
        {
            documents = await process(lease, jobToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (jobToken.IsCancellationRequested)
        {
            if (runToken.IsCancellationRequested)
            {
                await GiveBackAsync(lease).ConfigureAwait(false);
            }
            else
            {
                Interlocked.Increment(ref lost);
                LogLeaseLost(logger, options.WorkerId, lease.JobId, lease.Path);
            }

            return;
        }
        catch (Exception e)
        {
            await FailAsync(lease, e, runToken).ConfigureAwait(false);
            return;
        }

        var stopwatch = Stopwatch.StartNew();
        try
        {
            // Not cancellable: a job that was read is committed whole (only the waits between retries stop).
            await RetryAsync(_ => queue.CompleteAsync(lease, documents, CancellationToken.None), runToken).ConfigureAwait(false);
            Interlocked.Increment(ref completed);
            Interlocked.Add(ref images, documents.Count);
        }
        catch (JobLeaseLostException)
        {
            Interlocked.Increment(ref lost);
            LogLeaseLost(logger, options.WorkerId, lease.JobId, lease.Path);
        }
        finally
        {
            Interlocked.Add(ref databaseTicks, stopwatch.Elapsed.Ticks);
        }
    }

    private async Task FailAsync(JobLease lease, Exception error, CancellationToken runToken)
    {
        Interlocked.Increment(ref failed);
        LogJobFailed(logger, options.WorkerId, lease.JobId, lease.Path, lease.Attempt, error);
        try
        {
            var state = await RetryAsync(_ => queue.FailAsync(lease, $"{error.GetType().Name}: {error.Message}", CancellationToken.None), runToken).ConfigureAwait(false);
            if (state == JobState.Failed)
            {
                LogJobParked(logger, lease.JobId, lease.Path, lease.Attempt);
            }
        }
        catch (JobLeaseLostException)
        {
            Interlocked.Increment(ref lost);
        }
    }

    private async Task GiveBackAsync(JobLease lease)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await queue.ReleaseAsync(lease, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IndexStoreException or OperationCanceledException)
        {
            // Shutting down with the database away: the lease expires and another worker takes the job.
            LogReleaseFailed(logger, lease.JobId, e);
        }
    }

    /// <summary>Extends the held leases every interval; a lease the queue no longer confirms cancels its job.</summary>
    private async Task HeartbeatAsync(ConcurrentDictionary<long, CancellationTokenSource> held, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var ids = held.Keys.ToList();
                IReadOnlyList<long> still;
                try
                {
                    still = await queue.HeartbeatAsync(options.WorkerId, ids, stop).ConfigureAwait(false);
                }
                catch (IndexStoreException e)
                {
                    // Keep working: the next beat may get through before the leases run out.
                    Interlocked.Increment(ref retries);
                    LogRetry(logger, options.WorkerId, e.Message);
                    continue;
                }

                foreach (var id in ids.Except(still))
                {
                    try
                    {
                        if (held.TryGetValue(id, out var source))
                        {
                            await source.CancelAsync().ConfigureAwait(false);
                        }
                    }
                    catch (ObjectDisposedException)
                    {
                        // The job finished between the beat and now.
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs <paramref name="call"/>, retrying while the database is unavailable, up to the reconnect timeout.</summary>
    private async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var deadline = DateTime.UtcNow + options.ReconnectTimeout;
        while (true)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (IndexUnavailableException e) when (DateTime.UtcNow < deadline)
            {
                Interlocked.Increment(ref retries);
                LogRetry(logger, options.WorkerId, e.Message);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId}: database unavailable, retrying: {Reason}")]
    private static partial void LogRetry(ILogger logger, string workerId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId} lost the lease of job {JobId} ({Path}); another worker has it")]
    private static partial void LogLeaseLost(ILogger logger, string workerId, long jobId, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId}: job {JobId} ({Path}) failed on attempt {Attempt}")]
    private static partial void LogJobFailed(ILogger logger, string workerId, long jobId, string path, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} ({Path}) is parked after {Attempts} failed attempts")]
    private static partial void LogJobParked(ILogger logger, long jobId, string path, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give job {JobId} back while stopping; its lease will expire")]
    private static partial void LogReleaseFailed(ILogger logger, long jobId, Exception exception);
}
