using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Npgsql;

namespace Retrieval.Search.Store.Postgres;

/// <summary>
/// The two Npgsql pools of a store: writes (the primary; none when read-only) and reads (a replica
/// when given). Every session carries the statement timeout, and read sessions are read-only on the
/// server. Client-side command timeouts are off: the server's statement_timeout and the caller's
/// CancellationToken bound every call, and whole-index streams switch the timeout off locally.
/// Also turns Npgsql errors into <see cref="IndexStoreException"/>s whose message says what to do.
/// </summary>
internal sealed class PostgresConnections : IAsyncDisposable
{
    private PostgresConnections(string location, NpgsqlDataSource? writer, NpgsqlDataSource reader)
    {
        Location = location;
        Writer = writer;
        Reader = reader;
    }

    /// <summary>The primary as shown in messages (no password).</summary>
    public string Location { get; }

    public NpgsqlDataSource? Writer { get; }

    public NpgsqlDataSource Reader { get; }

    /// <exception cref="ArgumentException">Invalid options or connection strings.</exception>
    public static PostgresConnections Create(PostgresIndexOptions options)
    {
        options.Validate();
        var primary = Builder(options.ConnectionString, options, readOnly: false);
        var reads = Builder(options.ReadConnectionString ?? options.ConnectionString, options, readOnly: true);
        var writer = options.ReadOnly ? null : NpgsqlDataSource.Create(primary.ConnectionString);
        return new PostgresConnections(IndexStoreLocation.Describe(primary), writer, NpgsqlDataSource.Create(reads.ConnectionString));
    }

    /// <summary>A pool for a single administrative job (migrations), with the given statement timeout.</summary>
    public static NpgsqlDataSource CreateAdmin(string connectionString, out string location)
    {
        var builder = Builder(connectionString, new PostgresIndexOptions { ConnectionString = connectionString, StatementTimeout = TimeSpan.Zero, MaxPoolSize = 2 }, readOnly: false);
        location = IndexStoreLocation.Describe(builder);
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>
    /// The <see cref="IndexStoreException"/> for an Npgsql error, or the error itself when it is
    /// neither about reaching, entering or using the database (a bug shows as itself).
    /// </summary>
    public static Exception Translate(Exception e, string location) => e switch
    {
        PostgresException p => p.SqlState switch
        {
            PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                new IndexAccessException(location, $"PostgreSQL at {location} refused the login: {p.MessageText}. Check the user and password in --store (or the server's pg_hba.conf).", p),
            PostgresErrorCodes.InvalidCatalogName =>
                new IndexNotFoundException(location, $"The database of {location} does not exist ({p.MessageText}). Create it (createdb, or CREATE DATABASE ... ENCODING 'UTF8'), then run `retrieval store migrate --store {location}`."),
            PostgresErrorCodes.InsufficientPrivilege =>
                new IndexAccessException(location, $"The PostgreSQL user of {location} lacks a privilege: {p.MessageText}. Grant it, or use the user that owns the index tables.", p),
            PostgresErrorCodes.ReadOnlySqlTransaction =>
                new IndexAccessException(location, $"{location} accepts no writes ({p.MessageText}): writes need the primary server, not a replica.", p),
            PostgresErrorCodes.DiskFull =>
                new IndexAccessException(location, $"The disk of the PostgreSQL server at {location} is full: {p.MessageText}. Free space on the server; committed work is intact.", p),
            PostgresErrorCodes.QueryCanceled =>
                new IndexStoreException(location, $"A statement on {location} ran past the statement timeout and was cancelled ({p.MessageText}). Raise the statement timeout, or narrow the request.", p),
            PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn or PostgresErrorCodes.UndefinedFunction or PostgresErrorCodes.UndefinedObject =>
                new IndexVersionMismatchException(location, $"The database of {location} lacks part of the index schema ({p.MessageText}). Run `retrieval store migrate --store {location}`.", null, PostgresSchema.Version, p),
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections =>
                new IndexUnavailableException(location, $"PostgreSQL at {location} is not accepting work right now ({p.MessageText}). Retry when it is back; workers retry on their own.", p),
            _ when p.IsTransient =>
                new IndexUnavailableException(location, $"PostgreSQL at {location} failed transiently ({p.MessageText}); retry.", p),
            _ => p,
        },
        NpgsqlException n when Unreachable(n) =>
            new IndexUnavailableException(location, $"Cannot reach PostgreSQL at {location}: {Describe(n)}. Check that the server is running and that --store names the right host and port.", n),
        _ => e,
    };

    /// <summary>
    /// Whether the connection died under the call (the server restarted or dropped it). After a
    /// restart every idle pooled connection is dead, and Npgsql only finds out on use, so callers
    /// clear the pool before trying again.
    /// </summary>
    public static bool IsBrokenConnection(NpgsqlException e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown }
        || (e is not PostgresException && e.InnerException is IOException or SocketException or EndOfStreamException);

    /// <summary>Throws <see cref="Translate"/>'s exception, or rethrows <paramref name="e"/> with its stack when it stays as it is.</summary>
    [DoesNotReturn]
    public static void Rethrow(Exception e, string location)
    {
        var translated = Translate(e, location);
        if (ReferenceEquals(translated, e))
        {
            ExceptionDispatchInfo.Throw(e);
        }

        throw translated;
    }

    public async ValueTask DisposeAsync()
    {
        if (Writer is not null)
        {
            await Writer.DisposeAsync().ConfigureAwait(false);
        }

        await Reader.DisposeAsync().ConfigureAwait(false);
    }

    private static NpgsqlConnectionStringBuilder Builder(string connectionString, PostgresIndexOptions options, bool readOnly)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            throw new ArgumentException($"Not a valid PostgreSQL connection string: {e.Message}", nameof(connectionString), e);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException("The PostgreSQL connection string names no host; give --store postgres://user@host:port/database.", nameof(connectionString));
        }

        var settings = new List<string>();
        if (!string.IsNullOrWhiteSpace(builder.Options))
        {
            settings.Add(builder.Options);
        }

        settings.Add(string.Create(CultureInfo.InvariantCulture, $"-c statement_timeout={(long)options.StatementTimeout.TotalMilliseconds}"));
        if (readOnly)
        {
            settings.Add("-c default_transaction_read_only=on");
        }

        if (options.WordSimilarityThreshold is { } threshold)
        {
            settings.Add(string.Create(CultureInfo.InvariantCulture, $"-c pg_trgm.word_similarity_threshold={threshold}"));
        }

        builder.Options = string.Join(' ', settings);
        builder.CommandTimeout = 0;
        builder.Timeout = (int)Math.Ceiling(options.ConnectTimeout.TotalSeconds);
        builder.MaxPoolSize = options.MaxPoolSize;
        builder.ApplicationName ??= "retrieval";

        // Sessions keep no state between calls (settings come with the connection, SET LOCAL ends with
        // its transaction), so the DISCARD ALL Npgsql sends on reuse would be wasted work.
        builder.NoResetOnClose = true;
        return builder;
    }

    private static bool Unreachable(NpgsqlException e) =>
        e.IsTransient || e.InnerException is SocketException or TimeoutException or IOException || e.InnerException?.InnerException is SocketException;

    private static string Describe(Exception e)
    {
        var innermost = e;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return ReferenceEquals(innermost, e) ? e.Message : $"{e.Message} ({innermost.Message})";
    }
}
