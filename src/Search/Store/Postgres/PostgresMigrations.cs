using System.Globalization;
using Npgsql;
using Retrieval.Models.Text;

namespace Retrieval.Search.Store.Postgres;

/// <summary>What <see cref="PostgresMigrations.ApplyAsync(string, CancellationToken)"/> did: the schema version before and after.</summary>
public sealed record MigrationResult(string Location, int FromVersion, int ToVersion)
{
    public bool Changed => ToVersion != FromVersion;
}

/// <summary>
/// Brings a PostgreSQL database to the schema this build uses (<c>retrieval store migrate</c>).
/// All pending migrations run in one transaction under an advisory lock, so two nodes migrating at
/// once serialize and a failure leaves the database at its old version. A database already at the
/// version is left alone; one at a newer version is refused. Stores never migrate an existing index
/// on their own (only an empty database is set up when a writable store opens it), because every
/// worker and search node must be upgraded together.
/// </summary>
public static class PostgresMigrations
{
    /// <summary>Serializes migrations (and index creation) across every client of the database.</summary>
    internal const long LockKey = 0x7265_7472_6965_7631; // "retriev1"

    /// <summary>The version <see cref="ApplyAsync(string, CancellationToken)"/> brings a database to.</summary>
    public static int LatestVersion => PostgresSchema.Version;

    /// <summary>Applies every pending migration to the database of <paramref name="connectionString"/> (an Npgsql connection string; see <see cref="IndexStoreLocation"/>).</summary>
    /// <exception cref="IndexVersionMismatchException">The database is at a newer version than this build knows.</exception>
    /// <exception cref="IndexStoreException">The server cannot be reached, the login fails, or the database is not UTF-8.</exception>
    public static async Task<MigrationResult> ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var source = PostgresConnections.CreateAdmin(connectionString, out var location);
        return await ApplyAsync(source, location, PostgresSchema.Version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies the migrations up to <paramref name="targetVersion"/> (tests stop early to make an old database).</summary>
    internal static async Task<MigrationResult> ApplyAsync(NpgsqlDataSource source, string location, int targetVersion, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await PostgresSchema.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", cancellationToken, LockKey).ConfigureAwait(false);
            var from = await PostgresSchema.ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false) ?? 0;
            if (from > PostgresSchema.Version)
            {
                throw new IndexVersionMismatchException(
                    location,
                    $"The index in {location} has schema version {from.ToString(CultureInfo.InvariantCulture)}, newer than this build knows ({PostgresSchema.Version}). Migrate it with the newer retrieval, and upgrade this node.",
                    from,
                    PostgresSchema.Version);
            }

            if (from == 0)
            {
                await RequireUtf8Async(connection, transaction, location, cancellationToken).ConfigureAwait(false);
            }

            foreach (var migration in PostgresSchema.Migrations.Where(m => m.Version > from && m.Version <= targetVersion))
            {
                await PostgresSchema.ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
                if (migration.Version == 1)
                {
                    await PostgresSchema.WriteMetaAsync(connection, transaction, SqliteSchema.LatticeVersionKey, LatticeCodec.Version.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                    await PostgresSchema.WriteMetaAsync(connection, transaction, SqliteSchema.FoldingKey, ((int)TextFolding.Default).ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                    await PostgresSchema.WriteMetaAsync(connection, transaction, SqliteSchema.CreatedKey, DateTimeOffset.UtcNow.UtcTicks.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                }

                await PostgresSchema.WriteMetaAsync(connection, transaction, SqliteSchema.SchemaVersionKey, migration.Version.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new MigrationResult(location, from, Math.Max(from, Math.Min(targetVersion, PostgresSchema.Version)));
        }
        catch (NpgsqlException e)
        {
            PostgresConnections.Rethrow(e, location);
            throw;
        }
    }

    private static async Task RequireUtf8Async(NpgsqlConnection connection, NpgsqlTransaction transaction, string location, CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(connection, transaction, "SELECT current_setting('server_encoding')");
        var encoding = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(encoding, "UTF8", StringComparison.OrdinalIgnoreCase))
        {
            throw new IndexAccessException(location, $"The database {location} uses encoding {encoding}; the index needs UTF8. Create the database with ENCODING 'UTF8' (createdb -E UTF8 -T template0 NAME).");
        }
    }
}
