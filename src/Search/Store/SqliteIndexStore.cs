using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Retrieval.Models.Text;

namespace Retrieval.Search.Store;

/// <summary>
/// The index in one SQLite file (<see cref="SqliteIndexOptions.FileName"/> in the index directory),
/// in WAL mode: one writer connection, serialized by this object, and pooled read-only connections,
/// one per read call, so searches run while a batch is being written and never see half of it.
/// Several processes may read while one writes; a second writing process waits for the lock up to
/// <see cref="SqliteIndexOptions.BusyTimeout"/>. Every SQL detail stays behind <see cref="IIndexStore"/>.
/// </summary>
public sealed class SqliteIndexStore : IIndexStore, IEmbeddingStore
{
    private readonly SqliteConnections connections;
    private readonly SqliteConnection? writer;
    private readonly SqliteImageWriter? imageWriter;
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private int disposed;

    private SqliteIndexStore(SqliteConnections connections, SqliteConnection? writer, LatticeAlternativesOptions alternatives)
    {
        this.connections = connections;
        this.writer = writer;
        imageWriter = writer is null ? null : new SqliteImageWriter(writer, alternatives);
    }

    /// <summary>The index directory (full path).</summary>
    public string Location => connections.Directory;

    public string DatabasePath => connections.DatabasePath;

    public bool IsReadOnly => writer is null;

    /// <summary>
    /// Opens the index, creating the directory and an empty index when missing (unless read-only),
    /// or wiping it first with <see cref="SqliteIndexOptions.Rebuild"/>.
    /// </summary>
    /// <exception cref="IndexAccessException">The directory or file cannot be created or written.</exception>
    /// <exception cref="IndexNotFoundException">Read-only and there is no index.</exception>
    /// <exception cref="IndexVersionMismatchException">The file is another schema or lattice version, or not an index.</exception>
    public static SqliteIndexStore Open(SqliteIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connections = SqliteConnections.Prepare(options);
        try
        {
            return options.ReadOnly ? OpenReadOnly(connections, options) : OpenWritable(connections, options, retryUnreadable: options.Rebuild);
        }
        catch (SqliteException e)
        {
            throw connections.Translate(e);
        }
    }

    public async Task<IndexInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        return await ReadAsync(
            connection =>
            {
                using var transaction = connection.BeginTransaction(deferred: true);
                return Task.FromResult(SqliteIndexMeta.Read(connection, transaction, Location));
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task EnsureModelsAsync(IReadOnlyDictionary<string, string> modelHashes, TextFolding folding, bool rebuild, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelHashes);
        return WriteAsync(
            (connection, writer) =>
            {
                if (rebuild)
                {
                    writer.Clear();
                }

                using var transaction = connection.BeginTransaction(deferred: false);
                SqliteIndexMeta.Ensure(connection, transaction, Location, modelHashes, folding);
                SqliteCommit.Commit(transaction);
                return true;
            },
            cancellationToken);
    }

    public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ReadAsync(connection => Task.FromResult(SqliteSchema.ReadMeta(connection, null, SqliteSchema.SettingKey(key))), cancellationToken);
    }

    public Task SetSettingAsync(string key, string? value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return WriteAsync(
            (connection, _) =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                if (value is null)
                {
                    SqliteSchema.DeleteMeta(connection, transaction, SqliteSchema.SettingKey(key));
                }
                else
                {
                    SqliteSchema.WriteMeta(connection, transaction, SqliteSchema.SettingKey(key), value);
                }

                transaction.Commit();
                return true;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<long>> WriteAsync(IReadOnlyList<ImageDocument> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return WriteAsync((_, writer) => writer.Write(batch, cancellationToken), cancellationToken);
    }

    /// <summary>Merges each candidate gram table into one segment (see <see cref="SqliteGramCompaction"/>).</summary>
    public Task CompactAsync(CancellationToken cancellationToken = default) =>
        WriteAsync((connection, _) => SqliteGramCompaction.Compact(connection, cancellationToken), cancellationToken);

    public Task<int> DeleteImagesAsync(IReadOnlyList<long> imageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageIds);
        return WriteAsync((_, writer) => writer.DeleteImages(imageIds, cancellationToken), cancellationToken);
    }

    public Task<int> DeletePathsAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return WriteAsync((_, writer) => writer.DeletePaths(paths, cancellationToken), cancellationToken);
    }

    public Task<StoredImage?> FindImageAsync(ImageKey key, CancellationToken cancellationToken = default) =>
        ReadAsync(connection => SqliteImageReader.FindAsync(connection, key, cancellationToken), cancellationToken);

    public Task<StoredImage?> GetImageAsync(long imageId, CancellationToken cancellationToken = default) =>
        ReadAsync(connection => SqliteImageReader.GetAsync(connection, imageId, cancellationToken), cancellationToken);

    public async IAsyncEnumerable<StoredImage> ListImagesUnderAsync(string root, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        using var connection = OpenReader();
        await foreach (var image in SqliteImageReader.UnderAsync(connection, root, cancellationToken).ConfigureAwait(false))
        {
            yield return image;
        }
    }

    public Task<IReadOnlyList<StoredImage>> ListFailuresAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return ReadAsync(connection => SqliteImageReader.FailuresAsync(connection, limit, cancellationToken), cancellationToken);
    }

    public Task<IndexCounts> GetCountsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(connection => SqliteImageReader.CountsAsync(connection, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredLine>> GetLinesAsync(IReadOnlyList<long> lineIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lineIds);
        return ReadAsync(connection => SqliteLineReader.ByIdsAsync(connection, lineIds, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<StoredLine>> GetImageLinesAsync(long imageId, CancellationToken cancellationToken = default) =>
        ReadAsync(connection => SqliteLineReader.OfImageAsync(connection, imageId, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredLattice>> GetLineLatticesAsync(IReadOnlyList<long> lineIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lineIds);
        return ReadAsync(connection => SqliteLineReader.LatticesByIdsAsync(connection, lineIds, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<StoredLattice>> GetImageLineLatticesAsync(IReadOnlyList<long> imageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imageIds);
        return ReadAsync(connection => SqliteLineReader.LatticesOfImagesAsync(connection, imageIds, cancellationToken), cancellationToken);
    }

    public async IAsyncEnumerable<StoredLine> StreamLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var connection = OpenReader();
        await foreach (var line in SqliteLineReader.AllAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    public async IAsyncEnumerable<StoredEmbedding> StreamEmbeddingsAsync(string modelId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        using var connection = OpenReader();
        await foreach (var embedding in SqliteImageReader.EmbeddingsAsync(connection, modelId, cancellationToken).ConfigureAwait(false))
        {
            yield return embedding;
        }
    }

    public Task<IReadOnlySet<long>> EmbeddedImagesAsync(string modelId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        return ReadAsync(connection => SqliteEmbeddings.EmbeddedImagesAsync(connection, modelId, cancellationToken), cancellationToken);
    }

    public async IAsyncEnumerable<StoredImage> ImagesWithoutEmbeddingsAsync(string modelId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        using var connection = OpenReader();
        await foreach (var image in SqliteEmbeddings.WithoutAsync(connection, modelId, cancellationToken).ConfigureAwait(false))
        {
            yield return image;
        }
    }

    public Task<int> ReplaceEmbeddingsAsync(IReadOnlyList<ImageEmbeddings> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return WriteAsync((connection, _) => SqliteEmbeddings.Replace(connection, batch, cancellationToken), cancellationToken);
    }

    public Task<long> DeleteEmbeddingsAsync(string? keepModelId, CancellationToken cancellationToken = default) =>
        WriteAsync((connection, _) => SqliteEmbeddings.Delete(connection, keepModelId, cancellationToken), cancellationToken);

    public Task<EmbeddingCounts> CountEmbeddingsAsync(string modelId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        return ReadAsync(connection => SqliteEmbeddings.CountAsync(connection, modelId, cancellationToken), cancellationToken);
    }

    /// <summary>The index directory: vector files live in its <c>embeddings/</c> folder.</summary>
    public string VectorFileDirectory => Path.Combine(Location, "embeddings");

    public Task<long> GetEmbeddingGenerationAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(connection => Task.FromResult(SqliteSchema.ReadMetaLong(connection, null, SqliteSchema.EmbeddingGenerationKey) ?? 0), cancellationToken);

    public Task<EmbeddingState> GetEmbeddingStateAsync(string modelId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        return ReadAsync(
            connection =>
            {
                // Counted through the reader's memory map, the model index's pages (spread among a gigabyte of vector rows)
                // would each map their neighbours too, some hundreds of MB of shared file cache counted into this process's
                // resident memory at every open; SQLite's own small page cache reads them instead. The next open of this
                // pooled connection sets the map again.
                SqliteSchema.Execute(connection, null, "PRAGMA mmap_size = 0");
                using var transaction = connection.BeginTransaction(deferred: true);
                return Task.FromResult(SqliteEmbeddings.State(connection, transaction, modelId));
            },
            cancellationToken);
    }

    public Task<IEmbeddingRowReader> OpenEmbeddingRowsAsync(string modelId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = OpenReader();
        try
        {
            return Task.FromResult<IEmbeddingRowReader>(SqliteEmbeddingRows.Open(connection, modelId));
        }
        catch (SqliteException e)
        {
            throw connections.Translate(e);
        }
    }

    public Task<IReadOnlyList<LineCandidate>> CandidateLinesAsync(string term, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(term);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return ReadAsync(connection => SqliteCandidateSearch.FindAsync(connection, term, limit, cancellationToken), cancellationToken);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        connections.ClearPool();
        writer?.Dispose();
        writeLock.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static SqliteIndexStore OpenWritable(SqliteConnections connections, SqliteIndexOptions options, bool retryUnreadable)
    {
        var writer = connections.OpenWriterOrNull(out var unreadable);
        if (writer is null)
        {
            // Rebuild replaces a file that is not a database at all; nothing can be using it.
            if (!retryUnreadable)
            {
                throw connections.Translate(unreadable!);
            }

            connections.DeleteFiles();
            return OpenWritable(connections, options, retryUnreadable: false);
        }

        try
        {
            if (options.Rebuild)
            {
                new SqliteImageWriter(writer, options.Alternatives).Clear();
            }
            else
            {
                using var transaction = writer.BeginTransaction(deferred: false);
                if (SqliteSchema.IsEmpty(writer, transaction))
                {
                    SqliteSchema.Create(writer, transaction);
                }
                else
                {
                    SqliteSchema.Verify(writer, transaction, connections.Directory);
                }

                SqliteCommit.Commit(transaction);
            }

            return new SqliteIndexStore(connections, writer, options.Alternatives);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    private static SqliteIndexStore OpenReadOnly(SqliteConnections connections, SqliteIndexOptions options)
    {
        using (var connection = connections.OpenReader())
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            SqliteSchema.Verify(connection, transaction, connections.Directory);
        }

        return new SqliteIndexStore(connections, null, options.Alternatives);
    }

    private SqliteConnection OpenReader()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        try
        {
            return connections.OpenReader();
        }
        catch (SqliteException e)
        {
            throw connections.Translate(e);
        }
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = OpenReader();
        try
        {
            return await read(connection).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw connections.Translate(e);
        }
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteImageWriter, T> write, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (writer is null || imageWriter is null)
        {
            throw new InvalidOperationException($"The index at {Location} was opened read-only; open it without {nameof(SqliteIndexOptions.ReadOnly)} to write.");
        }

        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return write(writer, imageWriter);
        }
        catch (SqliteException e)
        {
            throw connections.Translate(e);
        }
        finally
        {
            writeLock.Release();
        }
    }
}
