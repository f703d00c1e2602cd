using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Retrieval.Search.Store;

/// <summary>
/// Opens connections to one index file: a single writer (WAL journal, synchronous=NORMAL, which
/// survives a killed process; a power cut may lose the last commits but never corrupts) and pooled
/// read-only readers that each see one committed snapshot per transaction. Both wait
/// <see cref="SqliteIndexOptions.BusyTimeout"/> for locks instead of failing with "database is locked".
/// </summary>
internal sealed class SqliteConnections
{
    private const int NotADatabase = 26;

    private readonly string writerConnectionString;
    private readonly string readerConnectionString;
    private readonly int busyTimeoutMs;
    private readonly string readerPragmas;

    private SqliteConnections(string directory, string databasePath, TimeSpan busyTimeout, long readerMemoryMapBytes, bool immutable)
    {
        Directory = directory;
        DatabasePath = databasePath;
        busyTimeoutMs = (int)Math.Min(int.MaxValue, busyTimeout.TotalMilliseconds);
        readerPragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA mmap_size = {readerMemoryMapBytes}");
        var timeoutSeconds = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds));
        writerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            ForeignKeys = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        readerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = immutable ? new Uri(databasePath).AbsoluteUri + "?immutable=1" : databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
    }

    /// <summary>The index directory, full path.</summary>
    public string Directory { get; }

    public string DatabasePath { get; }

    /// <summary>Checks the directory (creating it for a writable index) and returns the factory.</summary>
    /// <exception cref="IndexAccessException">The directory or file cannot be created or written.</exception>
    /// <exception cref="IndexNotFoundException">Read-only and no index exists.</exception>
    public static SqliteConnections Prepare(SqliteIndexOptions options)
    {
        options.Validate();
        var directory = Path.GetFullPath(options.Directory);
        var databasePath = Path.Combine(directory, SqliteIndexOptions.FileName);
        if (File.Exists(directory))
        {
            throw new IndexAccessException(directory, $"The index location {directory} is a file; give --index a directory.");
        }

        var immutable = false;
        if (options.ReadOnly)
        {
            if (!File.Exists(databasePath))
            {
                throw new IndexNotFoundException(directory, $"No index at {directory} ({SqliteIndexOptions.FileName} is missing). Build one with `retrieval index --index {directory} FOLDER`.");
            }

            immutable = NeedsImmutableReader(directory, databasePath);
        }
        else
        {
            EnsureWritable(directory);
        }

        return new SqliteConnections(directory, databasePath, options.BusyTimeout, options.ReaderMemoryMapBytes, immutable);
    }

    /// <summary>
    /// A WAL database can be read only where its -shm (and -wal) file exists or can be created. An
    /// index closed cleanly has neither, so in a directory this process cannot write (a read-only
    /// mount, a copied archive) a reader would fail with "attempt to write a readonly database".
    /// Such an index cannot be changing (no writer can create its -wal there either), so it is
    /// opened as immutable: no locks, no shared memory.
    /// </summary>
    private static bool NeedsImmutableReader(string directory, string databasePath)
    {
        if (File.Exists(databasePath + "-wal") || File.Exists(databasePath + "-shm"))
        {
            return false;
        }

        try
        {
            var probe = Path.Combine(directory, $".read-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return false;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return true;
        }
    }

    /// <summary>Opens the writer connection and sets its journal and durability modes.</summary>
    public SqliteConnection OpenWriter()
    {
        var connection = new SqliteConnection(writerConnectionString);
        try
        {
            connection.Open();
            SqliteSchema.Execute(connection, null, $"PRAGMA busy_timeout = {busyTimeoutMs.ToString(CultureInfo.InvariantCulture)}");
            var mode = SqliteSchema.Scalar<string>(connection, null, "PRAGMA journal_mode = WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new IndexAccessException(Directory, $"The index at {Directory} cannot use write-ahead logging (journal mode stays '{mode}'); put the index on a local file system.");
            }

            SqliteSchema.Execute(connection, null, "PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 67108864; PRAGMA foreign_keys = ON");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Like <see cref="OpenWriter"/>, but returns null (and the error) when the file is not a SQLite database.</summary>
    public SqliteConnection? OpenWriterOrNull(out SqliteException? notADatabase)
    {
        notADatabase = null;
        try
        {
            return OpenWriter();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == NotADatabase)
        {
            notADatabase = e;
            return null;
        }
    }

    /// <summary>Deletes the database file and its WAL companions (only for a file that is not a database).</summary>
    public void DeleteFiles()
    {
        foreach (var suffix in new[] { "-wal", "-shm", string.Empty })
        {
            try
            {
                File.Delete(DatabasePath + suffix);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                throw new IndexAccessException(Directory, $"Cannot delete {DatabasePath}{suffix} to rebuild the index: {e.Message}", e);
            }
        }
    }

    /// <summary>Opens a pooled read-only connection (memory-mapped up to <see cref="SqliteIndexOptions.ReaderMemoryMapBytes"/>).</summary>
    public SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(readerConnectionString);
        try
        {
            connection.Open();
            SqliteSchema.Execute(connection, null, readerPragmas);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Closes pooled readers so the files are released (and the WAL checkpointed by the last close).</summary>
    public void ClearPool()
    {
        using var connection = new SqliteConnection(readerConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>Turns SQLite's "cannot open / read-only / permission" errors into <see cref="IndexAccessException"/>.</summary>
    public Exception Translate(SqliteException e) => e.SqliteErrorCode switch
    {
        3 or 8 or 14 or 23 => new IndexAccessException(Directory, $"Cannot write the index at {Directory}: {e.Message}. Check that the directory and {SqliteIndexOptions.FileName} are writable, or choose another --index directory.", e),
        13 => new IndexAccessException(Directory, $"The disk holding the index at {Directory} is full: {e.Message}. Free space and run again; the last committed batch is intact.", e),
        5 or 6 => new IndexStoreException(Directory, $"The index at {Directory} stayed locked by another connection past the busy timeout ({e.Message}). Is another `retrieval index` or `retrieval watch` writing to it? Wait for it to finish or stop it.", e),
        11 or NotADatabase => new IndexVersionMismatchException(Directory, $"{DatabasePath} is not a readable retrieval index ({e.Message}). Re-index with `{IndexStoreException.RebuildCommand}` (or choose another --index directory).", null, SqliteSchema.Version, e),
        _ => e,
    };

    private static void EnsureWritable(string directory)
    {
        var fix = "Choose a writable directory with --index DIR, or fix its permissions.";
        try
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IndexAccessException(directory, $"Cannot create the index directory {directory}: {e.Message} {fix}", e);
        }

        try
        {
            var probe = Path.Combine(directory, $".write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            stream.WriteByte(0);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IndexAccessException(directory, $"The index directory {directory} is not writable: {e.Message} {fix}", e);
        }

        // The database file itself is not probed here: opening and closing another descriptor of it
        // would drop the POSIX locks SQLite holds on it in this process. A read-only file shows up as
        // SQLITE_READONLY on the first write instead (see Translate).
    }
}
