using System.Globalization;
using Microsoft.Data.Sqlite;
using Retrieval.Models.Text;

namespace Retrieval.Search.Store;

/// <summary>Reads what an index is (<see cref="IndexInfo"/>) and checks or records the models and folding that build it.</summary>
internal static class SqliteIndexMeta
{
    public static IndexInfo Read(SqliteConnection connection, SqliteTransaction? transaction, string location)
    {
        var models = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using (var command = SqliteSchema.Command(connection, transaction, "SELECT name, hash FROM models"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                models[reader.GetString(0)] = reader.GetString(1);
            }
        }

        return new IndexInfo(
            location,
            SqliteSchema.ReadMetaInt(connection, transaction, SqliteSchema.SchemaVersionKey) ?? 0,
            SqliteSchema.ReadMetaInt(connection, transaction, SqliteSchema.LatticeVersionKey) ?? 0,
            (TextFolding)(SqliteSchema.ReadMetaInt(connection, transaction, SqliteSchema.FoldingKey) ?? (int)TextFolding.Default),
            models,
            StoreCodecs.Time(SqliteSchema.ReadMetaLong(connection, transaction, SqliteSchema.CreatedKey) ?? 0));
    }

    /// <summary>
    /// Records <paramref name="modelHashes"/> and <paramref name="folding"/> in an index that has no
    /// images and no models yet; otherwise throws <see cref="IndexMismatchException"/> unless they are
    /// the ones recorded (hashes compare case-insensitively).
    /// </summary>
    public static void Ensure(SqliteConnection connection, SqliteTransaction transaction, string location, IReadOnlyDictionary<string, string> modelHashes, TextFolding folding)
    {
        var info = Read(connection, transaction, location);
        var hasImages = SqliteSchema.Scalar<long>(connection, transaction, "SELECT EXISTS (SELECT 1 FROM images)") != 0;
        if (info.Models.Count == 0 && !hasImages)
        {
            foreach (var (name, hash) in modelHashes)
            {
                using var insert = SqliteSchema.Command(connection, transaction, "INSERT INTO models (name, hash) VALUES ($name, $hash)");
                insert.Parameters.AddWithValue("$name", name);
                insert.Parameters.AddWithValue("$hash", hash);
                insert.ExecuteNonQuery();
            }

            SqliteSchema.WriteMeta(connection, transaction, SqliteSchema.FoldingKey, ((int)folding).ToString(CultureInfo.InvariantCulture));
            return;
        }

        var differences = Differences(info, modelHashes, folding);
        if (differences.Count > 0)
        {
            throw new IndexMismatchException(
                location,
                $"The index at {location} was built with other models or settings ({string.Join("; ", differences)}). Its lattices cannot be mixed with new ones: re-index with `{IndexStoreException.RebuildCommand}`, or choose another --index directory.",
                differences);
        }
    }

    internal static List<string> Differences(IndexInfo info, IReadOnlyDictionary<string, string> modelHashes, TextFolding folding)
    {
        var differences = new List<string>();
        if (info.Models.Count == 0)
        {
            differences.Add("the index does not record which models built it");
        }

        foreach (var (name, hash) in info.Models)
        {
            if (!modelHashes.TryGetValue(name, out var now))
            {
                differences.Add($"model '{name}' ({Short(hash)}) is not given now");
            }
            else if (!string.Equals(hash, now, StringComparison.OrdinalIgnoreCase))
            {
                differences.Add($"model '{name}' was {Short(hash)}, now {Short(now)}");
            }
        }

        foreach (var (name, hash) in modelHashes.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (info.Models.Count > 0 && !info.Models.ContainsKey(name))
            {
                differences.Add($"model '{name}' ({Short(hash)}) was not used by the index");
            }
        }

        if (info.Folding != folding)
        {
            differences.Add($"text folding was {info.Folding}, now {folding}");
        }

        return differences;
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] + ".." : hash;
}
