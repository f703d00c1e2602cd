using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;
using Retrieval.Models.Text;

namespace Retrieval.Search.Store.Postgres;

/// <summary>
/// The index in a PostgreSQL database, shared by many indexer workers (writers) and stateless search
/// nodes (readers). Every call takes a pooled connection for its duration, so one store object serves
/// any number of concurrent callers, and nothing lives in the process that another node would need.
/// Each write is one transaction; each read is one statement (one snapshot), except the whole-index
/// streams, which run in one repeatable-read transaction without the statement timeout. The candidate
/// lookup returns what <see cref="SqliteIndexStore"/> returns for the same content (see
/// <see cref="PostgresCandidateSearch"/>), bounded by <see cref="PostgresIndexOptions.MaxCandidates"/>.
/// Errors are <see cref="IndexStoreException"/>s; <see cref="IndexUnavailableException"/> means the
/// server could not be reached and a retry may succeed.
/// </summary>
public sealed class PostgresIndexStore : IIndexStore
{
    private const int WriteAttempts = 3;

    private readonly PostgresConnections connections;
    private readonly PostgresIndexOptions options;
    private readonly PostgresImageWriter writer;
    private int disposed;

    private PostgresIndexStore(PostgresConnections connections, PostgresIndexOptions options)
    {
        this.connections = connections;
        this.options = options;
        writer = new PostgresImageWriter(options.Alternatives);
    }

    /// <summary>The primary database as <c>postgresql://user@host:port/database</c> (no password).</summary>
    public string Location => connections.Location;

    public bool IsReadOnly => options.ReadOnly;

    internal PostgresImageWriter Writer => writer;

    /// <summary>
    /// Opens the index. A writable open sets up an empty database (no retrieval tables) at the current
    /// schema version, and with <see cref="PostgresIndexOptions.Rebuild"/> empties the index; an
    /// existing index must already be at this build's version (<see cref="PostgresMigrations"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options or connection string.</exception>
    /// <exception cref="IndexUnavailableException">The server cannot be reached.</exception>
    /// <exception cref="IndexNotFoundException">The database does not exist, or (read-only) holds no index.</exception>
    /// <exception cref="IndexVersionMismatchException">The index is at another schema version or lattice format.</exception>
    /// <exception cref="IndexAccessException">The login or a privilege is refused.</exception>
    public static async Task<PostgresIndexStore> OpenAsync(PostgresIndexOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connections = PostgresConnections.Create(options);
        try
        {
            var source = connections.Writer ?? connections.Reader;
            await using (var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            {
                if (connections.Writer is not null && await PostgresSchema.ReadVersionAsync(connection, null, cancellationToken).ConfigureAwait(false) is null)
                {
                    await PostgresMigrations.ApplyAsync(connections.Writer, connections.Location, PostgresSchema.Version, cancellationToken).ConfigureAwait(false);
                }

                await PostgresSchema.VerifyAsync(connection, connections.Location, cancellationToken).ConfigureAwait(false);
            }

            var store = new PostgresIndexStore(connections, options);
            if (options.Rebuild)
            {
                await store.WriteTransactionAsync(
                    async (connection, transaction) =>
                    {
                        await PostgresImageWriter.ClearAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                        return true;
                    },
                    cancellationToken).ConfigureAwait(false);
            }

            return store;
        }
        catch (Exception e)
        {
            await connections.DisposeAsync().ConfigureAwait(false);
            if (e is NpgsqlException)
            {
                PostgresConnections.Rethrow(e, connections.Location);
            }

            throw;
        }
    }

    public Task<IndexInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(connection => PostgresIndexMeta.ReadAsync(connection, null, Location, cancellationToken), cancellationToken);

    public Task EnsureModelsAsync(IReadOnlyDictionary<string, string> modelHashes, TextFolding folding, bool rebuild, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelHashes);
        return WriteTransactionAsync(
            async (connection, transaction) =>
            {
                if (rebuild)
                {
                    await PostgresImageWriter.ClearAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                }

                await PostgresIndexMeta.EnsureAsync(connection, transaction, Location, modelHashes, folding, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ReadAsync(connection => PostgresSchema.ReadMetaAsync(connection, null, SqliteSchema.SettingKey(key), cancellationToken), cancellationToken);
    }

    public Task SetSettingAsync(string key, string? value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return WriteTransactionAsync(
            async (connection, transaction) =>
            {
                if (value is null)
                {
                    await PostgresSchema.ExecuteAsync(connection, transaction, "DELETE FROM meta WHERE key = $1", cancellationToken, SqliteSchema.SettingKey(key)).ConfigureAwait(false);
                }
                else
                {
                    await PostgresSchema.WriteMetaAsync(connection, transaction, SqliteSchema.SettingKey(key), value, cancellationToken).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<long>> WriteAsync(IReadOnlyList<ImageDocument> batch, CancellationToken cancellationToken = default)
    {
        RequireWritable();
        var prepared = writer.Prepare(batch);
        return WriteTransactionAsync((connection, transaction) => writer.WriteAsync(connection, transaction, prepared, cancellationToken), cancellationToken);
    }

    public Task<int> DeleteImagesAsync(IReadOnlyList<long> imageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageIds);
        return WriteTransactionAsync((connection, transaction) => PostgresImageWriter.DeleteImagesAsync(connection, transaction, imageIds, cancellationToken), cancellationToken);
    }

    public Task<int> DeletePathsAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return WriteTransactionAsync((connection, transaction) => PostgresImageWriter.DeletePathsAsync(connection, transaction, paths, cancellationToken), cancellationToken);
    }

    public Task<StoredImage?> FindImageAsync(ImageKey key, CancellationToken cancellationToken = default) =>
        ReadAsync(connection => PostgresImageReader.FindAsync(connection, key, cancellationToken), cancellationToken);

    public Task<StoredImage?> GetImageAsync(long imageId, CancellationToken cancellationToken = default) =>
        ReadAsync(connection => PostgresImageReader.GetAsync(connection, imageId, cancellationToken), cancellationToken);

    public IAsyncEnumerable<StoredImage> ListImagesUnderAsync(string root, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        return StreamAsync((connection, transaction, ct) => PostgresImageReader.UnderAsync(connection, transaction, root, ct), cancellationToken);
    }

    public Task<IReadOnlyList<StoredImage>> ListFailuresAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return ReadAsync(connection => PostgresImageReader.FailuresAsync(connection, limit, cancellationToken), cancellationToken);
    }

    public Task<IndexCounts> GetCountsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(connection => PostgresImageReader.CountsAsync(connection, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredLine>> GetLinesAsync(IReadOnlyList<long> lineIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lineIds);
        return ReadAsync(connection => PostgresLineReader.ByIdsAsync(connection, lineIds, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<StoredLine>> GetImageLinesAsync(long imageId, CancellationToken cancellationToken = default) =>
        ReadAsync(connection => PostgresLineReader.OfImageAsync(connection, imageId, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredLattice>> GetLineLatticesAsync(IReadOnlyList<long> lineIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lineIds);
        return ReadAsync(connection => PostgresLineReader.LatticesByIdsAsync(connection, lineIds, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<StoredLattice>> GetImageLineLatticesAsync(IReadOnlyList<long> imageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageIds);
        return ReadAsync(connection => PostgresLineReader.LatticesOfImagesAsync(connection, imageIds, cancellationToken), cancellationToken);
    }

    public IAsyncEnumerable<StoredLine> StreamLinesAsync(CancellationToken cancellationToken = default) =>
        StreamAsync(PostgresLineReader.AllAsync, cancellationToken);

    public IAsyncEnumerable<StoredEmbedding> StreamEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        return StreamAsync((connection, transaction, ct) => PostgresImageReader.EmbeddingsAsync(connection, transaction, modelId, ct), cancellationToken);
    }

    /// <summary>See <see cref="IIndexStore.CandidateLinesAsync"/>; <paramref name="limit"/> is capped at <see cref="PostgresIndexOptions.MaxCandidates"/>.</summary>
    public Task<IReadOnlyList<LineCandidate>> CandidateLinesAsync(string term, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(term);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var bounded = Math.Min(limit, options.MaxCandidates);
        var similar = options.WordSimilarityThreshold is not null;
        return ReadAsync(connection => PostgresCandidateSearch.FindAsync(connection, term, bounded, similar, cancellationToken), cancellationToken);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            connections.Writer?.Dispose();
            connections.Reader.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await connections.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction on the primary and commits it. Losing a race on
    /// an image key with another writer (unique violation), a deadlock or a serialization failure
    /// reruns the whole transaction; a cancelled call never commits.
    /// </summary>
    internal async Task<T> WriteTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        RequireWritable();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await connections.Writer!.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                var result = await work(connection, transaction).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException e) when (attempt < WriteAttempts && e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
            {
                // Another writer committed the same key (or won a lock) first; the rerun sees its commit.
            }
            catch (NpgsqlException e)
            {
                if (PostgresConnections.IsBrokenConnection(e))
                {
                    // Whether a commit in flight landed is unknown: the caller decides (job completion checks).
                    connections.Writer!.Clear();
                }

                PostgresConnections.Rethrow(e, Location);
                throw;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a pooled read connection. A read that hits a connection the
    /// server dropped (a restart) clears the pool and runs once more, so a search node does not
    /// fail one query per stale pooled connection.
    /// </summary>
    internal async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await connections.Reader.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                return await read(connection).ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (attempt == 1 && PostgresConnections.IsBrokenConnection(e))
            {
                connections.Reader.Clear();
            }
            catch (NpgsqlException e)
            {
                PostgresConnections.Rethrow(e, Location);
                throw;
            }
        }
    }

    private async IAsyncEnumerable<T> StreamAsync<T>(
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, IAsyncEnumerable<T>> stream,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var (connection, transaction) = await OpenStreamAsync(cancellationToken).ConfigureAwait(false);

        await using (connection)
        await using (transaction)
        {
            var items = stream(connection, transaction, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (items.ConfigureAwait(false))
            {
                while (true)
                {
                    try
                    {
                        if (!await items.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (NpgsqlException e)
                    {
                        PostgresConnections.Rethrow(e, Location);
                        throw;
                    }

                    yield return items.Current;
                }
            }
        }
    }

    /// <summary>A read connection in a repeatable-read transaction without statement timeout, for one stream; a dropped pooled connection is replaced once.</summary>
    private async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> OpenStreamAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = await connections.Reader.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
                await PostgresSchema.ExecuteAsync(connection, transaction, "SET LOCAL statement_timeout = 0", cancellationToken).ConfigureAwait(false);
                return (connection, transaction);
            }
            catch (Exception e)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }

                if (e is NpgsqlException n)
                {
                    if (attempt == 1 && PostgresConnections.IsBrokenConnection(n))
                    {
                        connections.Reader.Clear();
                        continue;
                    }

                    PostgresConnections.Rethrow(e, Location);
                }

                throw;
            }
        }
    }

    private void RequireWritable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (options.ReadOnly)
        {
            throw new InvalidOperationException($"The index in {Location} was opened read-only; open it without {nameof(PostgresIndexOptions.ReadOnly)} to write.");
        }
    }
}
