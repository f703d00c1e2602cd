using System.Globalization;
using Npgsql;
using Retrieval.Models.Text;

namespace Retrieval.Search.Store.Postgres;

/// <summary>Reads what the index is (<see cref="IndexInfo"/>) and checks or records the models and folding that build it.</summary>
internal static class PostgresIndexMeta
{
    public static async Task<IndexInfo> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string location, CancellationToken cancellationToken)
    {
        var models = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = PostgresSchema.Command(connection, transaction, "SELECT 'm', name, hash FROM models UNION ALL SELECT 'k', key, value FROM meta"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                (reader.GetString(0) == "m" ? (IDictionary<string, string>)models : meta)[reader.GetString(1)] = reader.GetString(2);
            }
        }

        int Int(string key, int fallback) => meta.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : fallback;
        var created = meta.TryGetValue(SqliteSchema.CreatedKey, out var c) && long.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) ? ticks : 0;
        return new IndexInfo(
            location,
            Int(SqliteSchema.SchemaVersionKey, 0),
            Int(SqliteSchema.LatticeVersionKey, 0),
            (TextFolding)Int(SqliteSchema.FoldingKey, (int)TextFolding.Default),
            models,
            StoreCodecs.Time(created));
    }

    /// <summary>
    /// Records the models and folding in an index with no images and no models yet, or checks them
    /// against the recorded ones (see <see cref="SqliteIndexMeta.Ensure"/>). Serialized across clients
    /// by an advisory lock, so workers starting together on an empty index record them once.
    /// </summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string location, IReadOnlyDictionary<string, string> modelHashes, TextFolding folding, CancellationToken cancellationToken)
    {
        await PostgresSchema.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", cancellationToken, PostgresMigrations.LockKey).ConfigureAwait(false);
        var info = await ReadAsync(connection, transaction, location, cancellationToken).ConfigureAwait(false);
        await using var exists = PostgresSchema.Command(connection, transaction, "SELECT EXISTS (SELECT 1 FROM images)");
        var hasImages = (bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (info.Models.Count == 0 && !hasImages)
        {
            foreach (var (name, hash) in modelHashes)
            {
                await PostgresSchema.ExecuteAsync(connection, transaction, "INSERT INTO models (name, hash) VALUES ($1, $2)", cancellationToken, name, hash).ConfigureAwait(false);
            }

            await PostgresSchema.WriteMetaAsync(connection, transaction, SqliteSchema.FoldingKey, ((int)folding).ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            return;
        }

        var differences = SqliteIndexMeta.Differences(info, modelHashes, folding);
        if (differences.Count > 0)
        {
            throw new IndexMismatchException(
                location,
                $"The index in {location} was built with other models or settings ({string.Join("; ", differences)}). Its lattices cannot be mixed with new ones: re-index with `{IndexStoreException.RebuildCommand} --store {location}`, or choose another database.",
                differences);
        }
    }
}
