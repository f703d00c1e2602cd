using Retrieval.Search.Store;

namespace Retrieval.Search.Jobs;

// Persisted as integers in the jobs table: the values are frozen by a test. Never renumber.

/// <summary>Where a job is in its life.</summary>
public enum JobState
{
    /// <summary>Waiting for a worker.</summary>
    Queued = 0,

    /// <summary>A worker holds it until its lease expires (unless it heartbeats).</summary>
    Leased = 1,

    /// <summary>Its records are in the index, committed with the completion.</summary>
    Done = 2,

    /// <summary>Parked after too many failed attempts, with the last error; retried only on request.</summary>
    Failed = 3,
}

/// <summary>How the queue leases and retries jobs.</summary>
public sealed record JobQueueOptions
{
    /// <summary>How long a lease lasts without a heartbeat; a dead worker's jobs return to the queue after this.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts (leases) a job gets; after the last one fails or expires it is parked as <see cref="JobState.Failed"/>.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The window that images/s in <see cref="JobQueueStatus"/> is measured over.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromMinutes(1);

    public void Validate()
    {
        var errors = new List<string>();
        if (LeaseDuration < TimeSpan.FromSeconds(1) || LeaseDuration > TimeSpan.FromDays(1))
        {
            errors.Add($"{nameof(LeaseDuration)} must be between 1 second and 1 day (got {LeaseDuration}).");
        }

        if (MaxAttempts is < 1 or > 100)
        {
            errors.Add($"{nameof(MaxAttempts)} must be between 1 and 100 (got {MaxAttempts}).");
        }

        if (RateWindow < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{nameof(RateWindow)} must be at least 1 second (got {RateWindow}).");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid job queue options: " + string.Join(" ", errors));
        }
    }
}

/// <summary>A file to index, as the enumerator found it. Size and time decide whether a done job must run again.</summary>
public sealed record JobSource(string Path, string Root, long Size, DateTimeOffset Modified);

/// <summary>What <see cref="PostgresJobQueue.EnqueueAsync"/> did with the sources.</summary>
public sealed record EnqueueResult(int Added, int Requeued, int AlreadyIndexed, int Unchanged);

/// <summary>A job a worker holds until <see cref="ExpiresAt"/> (server time); <see cref="Attempt"/> counts from 1.</summary>
public sealed record JobLease(long JobId, string Path, string Root, long Size, DateTimeOffset Modified, int Attempt, string WorkerId, DateTimeOffset ExpiresAt)
{
    /// <summary>The key of the image a file job produces.</summary>
    public ImageKey Key => ImageKey.ForFile(Path);
}

/// <summary>A parked job and why.</summary>
public sealed record FailedJob(long JobId, string Path, int Attempts, string? Error, DateTimeOffset? FinishedAt);

/// <summary>Images per second of one worker over <see cref="JobQueueOptions.RateWindow"/>.</summary>
public sealed record WorkerRate(string WorkerId, long Completed, double ImagesPerSecond);

/// <summary>Job counts by state and throughput over <see cref="JobQueueOptions.RateWindow"/>, across workers and per worker.</summary>
public sealed record JobQueueStatus(long Queued, long Leased, long Done, long Failed, double ImagesPerSecond, IReadOnlyList<WorkerRate> Workers)
{
    public long Total => Queued + Leased + Done + Failed;

    /// <summary>No job is waiting or held: the run is over (parked failures aside).</summary>
    public bool Drained => Queued == 0 && Leased == 0;
}

/// <summary>
/// A worker tried to complete or fail a job it no longer holds: its lease expired and another worker
/// took the job, or the file changed and the job was queued again. Nothing was written; the worker
/// drops the job.
/// </summary>
public sealed class JobLeaseLostException(string location, long jobId, string path, string workerId)
    : IndexStoreException(location, $"Worker {workerId} no longer holds job {jobId} ({path}) in {location}: its lease expired and another worker took it, or the job was queued again. Nothing was written for it; heartbeat more often than the lease duration.")
{
    public long JobId { get; } = jobId;
}
