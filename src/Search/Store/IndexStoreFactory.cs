using Retrieval.Search.Store.Postgres;

namespace Retrieval.Search.Store;

/// <summary>
/// Opens the store a location names (see <see cref="IndexStoreLocation"/>): a directory is a SQLite
/// index, a postgres:// URL or Npgsql connection string a PostgreSQL one. What the CLI's
/// <c>--store</c> (and <c>--index DIR</c>, the SQLite spelling) goes through.
/// </summary>
public static class IndexStoreFactory
{
    /// <summary>Opens the store at <paramref name="location"/> with default settings.</summary>
    public static Task<IIndexStore> OpenAsync(string location, bool readOnly, bool rebuild, CancellationToken cancellationToken = default) =>
        OpenAsync(IndexStoreLocation.Parse(location), readOnly, rebuild, null, cancellationToken);

    /// <summary>
    /// Opens the store at <paramref name="location"/>; <paramref name="postgres"/> adjusts the
    /// PostgreSQL options (read replica, statement timeout, candidate bound, pool size), and is
    /// ignored for SQLite.
    /// </summary>
    /// <exception cref="ArgumentException">The location cannot be read.</exception>
    /// <exception cref="IndexStoreException">The store cannot be opened; the message says why and what to do.</exception>
    public static async Task<IIndexStore> OpenAsync(
        IndexStoreLocation location,
        bool readOnly,
        bool rebuild,
        Func<PostgresIndexOptions, PostgresIndexOptions>? postgres,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        cancellationToken.ThrowIfCancellationRequested();
        if (location.Kind == IndexStoreKind.Sqlite)
        {
            return SqliteIndexStore.Open(new SqliteIndexOptions { Directory = location.Value, ReadOnly = readOnly, Rebuild = rebuild });
        }

        var options = new PostgresIndexOptions { ConnectionString = location.Value, ReadOnly = readOnly, Rebuild = rebuild };
        return await PostgresIndexStore.OpenAsync(postgres is null ? options : postgres(options), cancellationToken).ConfigureAwait(false);
    }
}
