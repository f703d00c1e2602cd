namespace Retrieval.Search.Jobs;

/// <summary>
/// Turns one leased job into the image records to store (for a file job usually one
/// <see cref="Store.ImageDocument"/>; a file that cannot be read is a document with status Failed,
/// not an exception). An exception fails the attempt; the token is cancelled when the lease is lost
/// or the worker stops.
/// </summary>
public delegate Task<IReadOnlyList<Store.ImageDocument>> JobProcessor(JobLease lease, CancellationToken cancellationToken);

/// <summary>How an <see cref="IndexWorker"/> takes and holds jobs.</summary>
public sealed record IndexWorkerOptions
{
    /// <summary>Names this worker in the jobs table and in status output; unique per process.</summary>
    public string WorkerId { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Jobs held and processed at the same time; a finished job's slot is refilled at once.</summary>
    public int MaxInFlight { get; init; } = 4;

    /// <summary>The most jobs one lease call takes (free slots are filled in calls of at most this many).</summary>
    public int LeaseBatch { get; init; } = 4;

    /// <summary>How often held leases are extended; well under the queue's lease duration.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait before asking again when the queue is empty but other workers still hold jobs.</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Stop when nothing is queued or leased; otherwise keep polling (a standing worker).</summary>
    public bool ExitWhenDrained { get; init; } = true;

    /// <summary>How long the worker keeps retrying while the database cannot be reached (a restart, a failover) before it gives up.</summary>
    public TimeSpan ReconnectTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public void Validate(JobQueueOptions queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(WorkerId))
        {
            errors.Add($"{nameof(WorkerId)} is empty.");
        }

        if (MaxInFlight is < 1 or > 1000)
        {
            errors.Add($"{nameof(MaxInFlight)} must be between 1 and 1000 (got {MaxInFlight}).");
        }

        if (LeaseBatch < 1 || LeaseBatch > MaxInFlight)
        {
            errors.Add($"{nameof(LeaseBatch)} must be between 1 and {nameof(MaxInFlight)} ({MaxInFlight}) (got {LeaseBatch}).");
        }

        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval * 2 > queue.LeaseDuration)
        {
            errors.Add($"{nameof(HeartbeatInterval)} must be positive and at most half the lease duration ({queue.LeaseDuration}) (got {HeartbeatInterval}).");
        }

        if (IdlePoll <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(IdlePoll)} must be positive (got {IdlePoll}).");
        }

        if (ReconnectTimeout < TimeSpan.Zero)
        {
            errors.Add($"{nameof(ReconnectTimeout)} cannot be negative (got {ReconnectTimeout}).");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid worker options: " + string.Join(" ", errors));
        }
    }
}

/// <summary>What a worker did: jobs completed, failed (attempts given back with an error) and lost, and where the time went.</summary>
public sealed record IndexWorkerSummary(
    string WorkerId,
    long Completed,
    long Images,
    long Failed,
    long LeasesLost,
    long Retries,
    TimeSpan Elapsed,
    TimeSpan DatabaseTime)
{
    public double ImagesPerSecond => Elapsed > TimeSpan.Zero ? Images / Elapsed.TotalSeconds : 0;

    /// <summary>Time in the completing transaction (records plus job), per image.</summary>
    public TimeSpan DatabaseTimePerImage => Images > 0 ? DatabaseTime / Images : TimeSpan.Zero;
}
