using System.Globalization;
using Microsoft.Data.Sqlite;
using Retrieval.Models.Text;

namespace Retrieval.Search.Store;

/// <summary>
/// The SQLite schema, version <see cref="Version"/> (the DDL text is frozen by a test: change it
/// only together with the version). Design notes:
/// <list type="bullet">
/// <item>Images are keyed by (path, frame_ticks), frame_ticks = -1 for files; ids come from
/// AUTOINCREMENT so a line or image id is never reused, which lets a searcher hold ids across writes.</item>
/// <item>Lines, words and embeddings hang off images with ON DELETE CASCADE; a trigger removes a
/// deleted line from both text tables, so every delete path keeps them in step.</item>
/// <item>The text tables are contentless FTS5 with detail=none: they hold only which line has which
/// gram, about 100 to 200 bytes a line. Candidates are counted per gram, so no positions are needed.</item>
/// <item>Quads are 32-byte blobs, lattices are <see cref="LatticeCodec"/> bytes, times are UTC ticks.</item>
/// </list>
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 1;

    public const string Ddl = """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE models (
            name TEXT PRIMARY KEY,
            hash TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE images (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            path TEXT NOT NULL,
            frame_ticks INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            root TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified_ticks INTEGER NOT NULL,
            content_hash TEXT,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            frame_start_ticks INTEGER,
            frame_end_ticks INTEGER,
            status INTEGER NOT NULL,
            error TEXT,
            indexed_ticks INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX images_key ON images (path, frame_ticks);
        CREATE INDEX images_not_ok ON images (status) WHERE status <> 0;

        CREATE TABLE lines (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            quad BLOB NOT NULL,
            text TEXT NOT NULL,
            confidence REAL NOT NULL,
            lattice BLOB NOT NULL
        );
        CREATE INDEX lines_image ON lines (image_id, ordinal);

        CREATE TABLE words (
            line_id INTEGER NOT NULL REFERENCES lines (id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            quad BLOB NOT NULL,
            text TEXT NOT NULL,
            confidence REAL NOT NULL,
            PRIMARY KEY (line_id, ordinal)
        ) WITHOUT ROWID;

        CREATE TABLE embeddings (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
            owner_kind INTEGER NOT NULL,
            line_id INTEGER REFERENCES lines (id) ON DELETE CASCADE,
            region BLOB,
            model_id TEXT NOT NULL,
            dim INTEGER NOT NULL,
            precision INTEGER NOT NULL,
            vector BLOB NOT NULL
        );
        CREATE INDEX embeddings_image ON embeddings (image_id);
        CREATE INDEX embeddings_line ON embeddings (line_id);
        CREATE INDEX embeddings_model ON embeddings (model_id, id);

        CREATE VIRTUAL TABLE line_trigrams USING fts5 (
            readings, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1, detail = none
        );
        CREATE VIRTUAL TABLE line_grams USING fts5 (
            grams, tokenize = 'ascii', content = '', contentless_delete = 1, detail = none
        );

        CREATE TRIGGER lines_delete_text AFTER DELETE ON lines BEGIN
            DELETE FROM line_trigrams WHERE rowid = old.id;
            DELETE FROM line_grams WHERE rowid = old.id;
        END;
        """;

    // Keys of the meta table.
    public const string SchemaVersionKey = "schema_version";
    public const string LatticeVersionKey = "lattice_version";
    public const string FoldingKey = "text_folding";
    public const string CreatedKey = "created_ticks";

    /// <summary>
    /// A counter raised in the same transaction as any change to the embeddings table (rows added, replaced, or deleted
    /// with their image); absent means 0. Files derived from the embeddings (the memory-mapped vector files) record the
    /// value they were made at, so a reader tells at once whether they are current. Kept across a rebuild.
    /// </summary>
    public const string EmbeddingGenerationKey = "embedding_generation";

    /// <summary>User-visible settings (<see cref="IIndexStore.GetSettingAsync"/>) share the meta table under this prefix, so they never clash with the keys above.</summary>
    public static string SettingKey(string key) => "setting." + key;

    /// <summary>True when the database has no objects at all (a new file).</summary>
    public static bool IsEmpty(SqliteConnection connection, SqliteTransaction? transaction) =>
        Scalar<long>(connection, transaction, "SELECT count(*) FROM sqlite_master") == 0;

    /// <summary>Creates every table and the meta rows. Runs inside the caller's transaction.</summary>
    public static void Create(SqliteConnection connection, SqliteTransaction transaction)
    {
        Execute(connection, transaction, Ddl);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value)";
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var value = command.Parameters.Add("$value", SqliteType.Text);
        foreach (var (k, v) in new[]
        {
            (SchemaVersionKey, Version.ToString(CultureInfo.InvariantCulture)),
            (LatticeVersionKey, LatticeCodec.Version.ToString(CultureInfo.InvariantCulture)),
            (FoldingKey, ((int)TextFolding.Default).ToString(CultureInfo.InvariantCulture)),
            (CreatedKey, DateTimeOffset.UtcNow.UtcTicks.ToString(CultureInfo.InvariantCulture)),
        })
        {
            key.Value = k;
            value.Value = v;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Drops every table, view and trigger, whatever schema version made them, keeping the id
    /// counters so ids stay unique across a rebuild. The caller turns foreign keys off first
    /// (DROP TABLE would otherwise delete row by row) and runs this inside a transaction.
    /// </summary>
    public static void DropAll(SqliteConnection connection, SqliteTransaction transaction)
    {
        var counters = new List<(string Table, long Seq)>();
        if (Scalar<long>(connection, transaction, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'") > 0)
        {
            using var read = Command(connection, transaction, "SELECT name, seq FROM sqlite_sequence");
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                counters.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        // Virtual tables first: dropping one drops its shadow tables, which cannot be dropped alone.
        foreach (var filter in new[] { "type IN ('trigger', 'view')", "type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'", "type = 'table'" })
        {
            var names = new List<(string Type, string Name)>();
            using (var list = Command(connection, transaction, $"SELECT type, name FROM sqlite_master WHERE {filter} AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"))
            using (var reader = list.ExecuteReader())
            {
                while (reader.Read())
                {
                    names.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            foreach (var (type, name) in names)
            {
                Execute(connection, transaction, $"DROP {type.ToUpperInvariant()} IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
            }
        }

        Create(connection, transaction);
        foreach (var (table, seq) in counters)
        {
            using var restore = Command(connection, transaction, "INSERT INTO sqlite_sequence (name, seq) SELECT $name, $seq WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name)");
            restore.Parameters.AddWithValue("$name", table);
            restore.Parameters.AddWithValue("$seq", seq);
            restore.ExecuteNonQuery();
        }
    }

    /// <summary>Throws <see cref="IndexVersionMismatchException"/> unless this is a version <see cref="Version"/> index whose lattices this build reads.</summary>
    public static void Verify(SqliteConnection connection, SqliteTransaction? transaction, string location)
    {
        var fix = $"Re-index with `{IndexStoreException.RebuildCommand}` (or choose another --index directory).";
        if (Scalar<long>(connection, transaction, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'") == 0)
        {
            throw new IndexVersionMismatchException(location, $"{location} holds a SQLite database that is not a retrieval index. {fix}", null, Version);
        }

        var schema = ReadMetaInt(connection, transaction, SchemaVersionKey);
        if (schema != Version)
        {
            throw new IndexVersionMismatchException(location, $"The index at {location} has schema version {schema?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}; this build reads version {Version}. {fix}", schema, Version);
        }

        var lattice = ReadMetaInt(connection, transaction, LatticeVersionKey);
        if (lattice != LatticeCodec.Version)
        {
            throw new IndexVersionMismatchException(location, $"The index at {location} stores lattice format {lattice?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}; this build reads format {LatticeCodec.Version}. {fix}", lattice, LatticeCodec.Version);
        }
    }

    public static int? ReadMetaInt(SqliteConnection connection, SqliteTransaction? transaction, string key)
    {
        using var command = Command(connection, transaction, "SELECT value FROM meta WHERE key = $key");
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() is string text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    public static long? ReadMetaLong(SqliteConnection connection, SqliteTransaction? transaction, string key)
    {
        using var command = Command(connection, transaction, "SELECT value FROM meta WHERE key = $key");
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() is string text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    public static string? ReadMeta(SqliteConnection connection, SqliteTransaction? transaction, string key)
    {
        using var command = Command(connection, transaction, "SELECT value FROM meta WHERE key = $key");
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }

    public static void DeleteMeta(SqliteConnection connection, SqliteTransaction transaction, string key)
    {
        using var command = Command(connection, transaction, "DELETE FROM meta WHERE key = $key");
        command.Parameters.AddWithValue("$key", key);
        command.ExecuteNonQuery();
    }

    public static void WriteMeta(SqliteConnection connection, SqliteTransaction transaction, string key, string value)
    {
        using var command = Command(connection, transaction, "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    /// <summary>Raises <see cref="EmbeddingGenerationKey"/> by one inside the caller's write transaction.</summary>
    public static void BumpEmbeddingGeneration(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = Command(
            connection,
            transaction,
            "INSERT INTO meta (key, value) VALUES ($key, '1') ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1");
        command.Parameters.AddWithValue("$key", EmbeddingGenerationKey);
        command.ExecuteNonQuery();
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    public static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    public static T Scalar<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }
}
