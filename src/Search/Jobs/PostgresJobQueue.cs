using Npgsql;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;

namespace Retrieval.Search.Jobs;

/// <summary>
/// The work list of many indexer workers, in the index database (table <c>jobs</c>, one row per
/// file path with its size and time). The enumerator <see cref="EnqueueAsync"/>s what it finds;
/// workers <see cref="LeaseAsync"/> batches (<c>FOR UPDATE SKIP LOCKED</c>, so they never wait on
/// each other), <see cref="HeartbeatAsync"/> while they work, and <see cref="CompleteAsync"/> each
/// job together with its image records in one transaction: a job is done exactly when its records
/// are committed. A worker that dies holds nothing for long: its leases expire after
/// <see cref="JobQueueOptions.LeaseDuration"/> and the next lease takes them. Every lease counts as an
/// attempt, so a job that keeps failing, or keeps killing its worker, is parked as
/// <see cref="JobState.Failed"/> with its error after <see cref="JobQueueOptions.MaxAttempts"/>.
/// </summary>
public sealed class PostgresJobQueue
{
    private const int EnqueueChunk = 2000;

    private readonly PostgresIndexStore store;

    /// <summary>A queue on <paramref name="store"/>; on a read-only store only the status and failure listings work (the rest throw <see cref="InvalidOperationException"/>).</summary>
    public PostgresJobQueue(PostgresIndexStore store, JobQueueOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Options = options ?? new JobQueueOptions();
        Options.Validate();
        this.store = store;
    }

    public JobQueueOptions Options { get; }

    /// <summary>The index the jobs' records go to.</summary>
    public PostgresIndexStore Store => store;

    public string Location => store.Location;

    /// <summary>
    /// Adds a job per new path; a known path goes back to the queue when its size or time changed (or
    /// with <paramref name="force"/>). A new path whose image the index already holds with the same size
    /// and time is recorded as done. Parked jobs stay parked unless their file changed (see
    /// <see cref="RetryFailedAsync"/>). Sources are taken in chunks, one transaction each, so a huge
    /// enumeration streams.
    /// </summary>
    public async Task<EnqueueResult> EnqueueAsync(IEnumerable<JobSource> sources, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var total = new EnqueueResult(0, 0, 0, 0);
        foreach (var chunk in sources.Chunk(EnqueueChunk))
        {
            // The last entry of a path wins; one statement cannot touch a row twice.
            var unique = chunk.GroupBy(s => s.Path, StringComparer.Ordinal).Select(g => g.Last()).ToList();
            var counts = await store.WriteTransactionAsync((connection, transaction) => EnqueueChunkAsync(connection, transaction, unique, force, cancellationToken), cancellationToken).ConfigureAwait(false);
            total = new EnqueueResult(
                total.Added + counts.Added,
                total.Requeued + counts.Requeued,
                total.AlreadyIndexed + counts.AlreadyIndexed,
                total.Unchanged + unique.Count - counts.Added - counts.Requeued - counts.AlreadyIndexed);
        }

        return total;
    }

    /// <summary>
    /// Leases up to <paramref name="count"/> jobs for <paramref name="workerId"/>: expired leases first
    /// (their worker is gone), then queued jobs in id order. Expired leases that used their last
    /// attempt are parked instead.
    /// </summary>
    public Task<IReadOnlyList<JobLease>> LeaseAsync(string workerId, int count, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return store.WriteTransactionAsync<IReadOnlyList<JobLease>>(
            async (connection, transaction) =>
            {
                await PostgresSchema.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    UPDATE jobs SET state = 3, worker = NULL, lease_expires = NULL, finished_at = now(),
                        error = 'the lease expired after attempt ' || attempts || ' of ' || $1 || ' (the worker died or stalled)' || coalesce('; earlier error: ' || error, '')
                    WHERE state = 1 AND lease_expires < now() AND attempts >= $1
                    """,
                    cancellationToken,
                    Options.MaxAttempts).ConfigureAwait(false);
                await using var lease = PostgresSchema.Command(
                    connection,
                    transaction,
                    """
                    WITH stale AS (
                        SELECT id FROM jobs WHERE state = 1 AND lease_expires < now() AND attempts < $1
                        ORDER BY lease_expires LIMIT $2 FOR UPDATE SKIP LOCKED),
                    fresh AS (
                        SELECT id FROM jobs WHERE state = 0 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED),
                    picked AS (
                        SELECT id FROM stale UNION ALL SELECT id FROM fresh LIMIT $2)
                    UPDATE jobs j SET state = 1, worker = $3, leased_at = now(), lease_expires = now() + $4, attempts = j.attempts + 1
                    FROM picked WHERE j.id = picked.id
                    RETURNING j.id, j.path, j.root, j.size, j.modified_ticks, j.attempts, j.lease_expires
                    """,
                    Options.MaxAttempts,
                    (long)count,
                    workerId,
                    Options.LeaseDuration);
                var leases = new List<JobLease>();
                await using var reader = await lease.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    leases.Add(new JobLease(
                        reader.GetInt64(0),
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.GetInt64(3),
                        StoreCodecs.Time(reader.GetInt64(4)),
                        reader.GetInt32(5),
                        workerId,
                        reader.GetFieldValue<DateTimeOffset>(6)));
                }

                leases.Sort(static (a, b) => a.JobId.CompareTo(b.JobId));
                return leases;
            },
            cancellationToken);
    }

    /// <summary>Extends the leases <paramref name="workerId"/> still holds; returns their ids (a missing id is a lost lease: stop working on it).</summary>
    public Task<IReadOnlyList<long>> HeartbeatAsync(string workerId, IReadOnlyList<long> jobIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        ArgumentNullException.ThrowIfNull(jobIds);
        if (jobIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<long>>([]);
        }

        return store.WriteTransactionAsync<IReadOnlyList<long>>(
            async (connection, transaction) =>
            {
                await using var command = PostgresSchema.Command(
                    connection,
                    transaction,
                    "UPDATE jobs SET lease_expires = now() + $3 WHERE id = ANY($1) AND state = 1 AND worker = $2 RETURNING id",
                    jobIds.ToArray(),
                    workerId,
                    Options.LeaseDuration);
                var held = new List<long>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    held.Add(reader.GetInt64(0));
                }

                held.Sort();
                return held;
            },
            cancellationToken);
    }

    /// <summary>
    /// Marks the job done and writes its images in one transaction; whatever the index held under the
    /// job's path is replaced. Returns true when this call committed, false when an earlier call of the
    /// same worker already had (a retry after the connection dropped during commit).
    /// </summary>
    /// <exception cref="JobLeaseLostException">Another worker took the job or it was queued again; nothing was written.</exception>
    public Task<bool> CompleteAsync(JobLease lease, IReadOnlyList<ImageDocument> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var prepared = store.Writer.Prepare(documents);
        return store.WriteTransactionAsync(
            async (connection, transaction) =>
            {
                await using var done = PostgresSchema.Command(
                    connection,
                    transaction,
                    "UPDATE jobs SET state = 2, finished_at = now(), lease_expires = NULL, error = NULL WHERE id = $1 AND state = 1 AND worker = $2",
                    lease.JobId,
                    lease.WorkerId);
                if (await done.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    return await AlreadyCompletedAsync(connection, transaction, lease, cancellationToken).ConfigureAwait(false)
                        ? false
                        : throw new JobLeaseLostException(Location, lease.JobId, lease.Path, lease.WorkerId);
                }

                await PostgresImageWriter.DeletePathsAsync(connection, transaction, [lease.Path], cancellationToken).ConfigureAwait(false);
                await store.Writer.WriteAsync(connection, transaction, prepared, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <summary>
    /// Gives a job back after an error: queued again while attempts remain, else parked with the error.
    /// Returns the state it is left in.
    /// </summary>
    /// <exception cref="JobLeaseLostException">The worker no longer holds the job.</exception>
    public Task<JobState> FailAsync(JobLease lease, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return store.WriteTransactionAsync(
            async (connection, transaction) =>
            {
                await using var command = PostgresSchema.Command(
                    connection,
                    transaction,
                    """
                    UPDATE jobs SET state = CASE WHEN attempts >= $3 THEN 3 ELSE 0 END,
                                    finished_at = CASE WHEN attempts >= $3 THEN now() END,
                                    worker = CASE WHEN attempts >= $3 THEN worker END,
                                    lease_expires = NULL, error = $4
                    WHERE id = $1 AND state = 1 AND worker = $2
                    RETURNING state
                    """,
                    lease.JobId,
                    lease.WorkerId,
                    Options.MaxAttempts,
                    error);
                var state = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return state is short s ? (JobState)s : throw new JobLeaseLostException(Location, lease.JobId, lease.Path, lease.WorkerId);
            },
            cancellationToken);
    }

    /// <summary>
    /// Gives a job back untouched (a worker shutting down): queued again, and the attempt it used is
    /// not counted. Returns false when the worker no longer held it.
    /// </summary>
    public Task<bool> ReleaseAsync(JobLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return store.WriteTransactionAsync(
            async (connection, transaction) =>
            {
                await using var command = PostgresSchema.Command(
                    connection,
                    transaction,
                    "UPDATE jobs SET state = 0, attempts = greatest(attempts - 1, 0), worker = NULL, lease_expires = NULL WHERE id = $1 AND state = 1 AND worker = $2",
                    lease.JobId,
                    lease.WorkerId);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            cancellationToken);
    }

    /// <summary>Whether any job is queued or leased (cheap: answered from the partial indexes).</summary>
    public Task<bool> HasPendingAsync(CancellationToken cancellationToken = default) =>
        store.ReadAsync(
            async connection =>
            {
                await using var command = PostgresSchema.Command(connection, null, "SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 0) OR EXISTS (SELECT 1 FROM jobs WHERE state = 1)");
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
            },
            cancellationToken);

    /// <summary>Job counts by state, and images/s over <see cref="JobQueueOptions.RateWindow"/> in total and per worker.</summary>
    public Task<JobQueueStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        store.ReadAsync(
            async connection =>
            {
                await using var batch = new NpgsqlBatch(connection);
                batch.BatchCommands.Add(PostgresImageWriter.Command(
                    "SELECT count(*) FILTER (WHERE state = 0), count(*) FILTER (WHERE state = 1), count(*) FILTER (WHERE state = 2), count(*) FILTER (WHERE state = 3) FROM jobs"));

                // A worker's rate counts from the start of the first lease it finished in the window.
                batch.BatchCommands.Add(PostgresImageWriter.Command(
                    """
                    SELECT worker, count(*), extract(epoch FROM now() - min(leased_at))::float8
                    FROM jobs WHERE state = 2 AND finished_at > now() - $1 AND worker IS NOT NULL
                    GROUP BY worker ORDER BY worker
                    """,
                    Options.RateWindow));
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var (queued, leased, done, failed) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                var window = Options.RateWindow.TotalSeconds;
                var workers = new List<WorkerRate>();
                var longest = 0.0;
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var seconds = Math.Clamp(reader.IsDBNull(2) ? window : reader.GetDouble(2), 1e-3, window);
                    longest = Math.Max(longest, seconds);
                    workers.Add(new WorkerRate(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(1) / seconds));
                }

                var completed = workers.Sum(w => w.Completed);
                return new JobQueueStatus(queued, leased, done, failed, completed == 0 ? 0 : completed / longest, workers);
            },
            cancellationToken);

    /// <summary>Parked jobs, oldest first.</summary>
    public Task<IReadOnlyList<FailedJob>> ListFailedAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return store.ReadAsync<IReadOnlyList<FailedJob>>(
            async connection =>
            {
                await using var command = PostgresSchema.Command(connection, null, "SELECT id, path, attempts, error, finished_at FROM jobs WHERE state = 3 ORDER BY id LIMIT $1", (long)limit);
                var failed = new List<FailedJob>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    failed.Add(new FailedJob(
                        reader.GetInt64(0),
                        reader.GetString(1),
                        reader.GetInt32(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
                }

                return failed;
            },
            cancellationToken);
    }

    /// <summary>Queues every parked job again with fresh attempts; returns how many.</summary>
    public Task<int> RetryFailedAsync(CancellationToken cancellationToken = default) =>
        store.WriteTransactionAsync(
            async (connection, transaction) =>
            {
                await using var command = PostgresSchema.Command(connection, transaction, "UPDATE jobs SET state = 0, attempts = 0, worker = NULL, finished_at = NULL WHERE state = 3");
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    private static async Task<EnqueueResult> EnqueueChunkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<JobSource> sources, bool force, CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(
            connection,
            transaction,
            """
            WITH source AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS s (path, root, size, modified)),
            upsert AS (
                INSERT INTO jobs AS j (path, root, size, modified_ticks, state, finished_at)
                SELECT s.path, s.root, s.size, s.modified, CASE WHEN indexed THEN 2 ELSE 0 END, CASE WHEN indexed THEN now() END
                FROM source s CROSS JOIN LATERAL (
                    SELECT NOT $5 AND EXISTS (
                        SELECT 1 FROM images i
                        WHERE i.path = s.path AND i.frame_ticks = -1 AND i.size = s.size AND i.modified_ticks = s.modified AND i.status = 0)) AS x (indexed)
                ON CONFLICT (path) DO UPDATE
                    SET root = excluded.root, size = excluded.size, modified_ticks = excluded.modified_ticks, state = 0, attempts = 0,
                        worker = NULL, leased_at = NULL, lease_expires = NULL, error = NULL, finished_at = NULL, enqueued_at = now()
                    WHERE $5 OR j.size <> excluded.size OR j.modified_ticks <> excluded.modified_ticks
                RETURNING xmax = 0 AS inserted, j.state)
            SELECT count(*) FILTER (WHERE inserted AND state = 0)::integer, count(*) FILTER (WHERE NOT inserted)::integer,
                   count(*) FILTER (WHERE inserted AND state = 2)::integer
            FROM upsert
            """,
            sources.Select(s => s.Path).ToArray(),
            sources.Select(s => s.Root).ToArray(),
            sources.Select(s => s.Size).ToArray(),
            sources.Select(s => StoreCodecs.Time(s.Modified)).ToArray(),
            force);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new EnqueueResult(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), 0);
    }

    private static async Task<bool> AlreadyCompletedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, JobLease lease, CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(connection, transaction, "SELECT state = 2 AND worker = $2 FROM jobs WHERE id = $1", lease.JobId, lease.WorkerId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }
}
