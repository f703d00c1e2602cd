using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Retrieval.Search.Store;

/// <summary>Image, count and embedding reads on a reader connection.</summary>
internal static class SqliteImageReader
{
    public const string Columns = "id, path, frame_ticks, root, size, modified_ticks, content_hash, width, height, frame_start_ticks, frame_end_ticks, status, error, indexed_ticks";

    public static async Task<StoredImage?> FindAsync(SqliteConnection connection, ImageKey key, CancellationToken cancellationToken)
    {
        using var command = SqliteSchema.Command(connection, null, $"SELECT {Columns} FROM images WHERE path = $path AND frame_ticks = $frame");
        command.Parameters.AddWithValue("$path", key.Path);
        command.Parameters.AddWithValue("$frame", StoreCodecs.FrameKey(key.FrameTime));
        return await SingleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<StoredImage?> GetAsync(SqliteConnection connection, long imageId, CancellationToken cancellationToken)
    {
        using var command = SqliteSchema.Command(connection, null, $"SELECT {Columns} FROM images WHERE id = $id");
        command.Parameters.AddWithValue("$id", imageId);
        return await SingleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The images at <paramref name="root"/> or below it. Paths below it are one range of the key
    /// index: they start with root + separator, and in UTF-8 byte order they sort before root + the
    /// next character after the separator.
    /// </summary>
    public static async IAsyncEnumerable<StoredImage> UnderAsync(SqliteConnection connection, string root, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var separator = Path.DirectorySeparatorChar;
        var trimmed = Path.TrimEndingDirectorySeparator(root);
        var prefix = trimmed.EndsWith(separator) ? trimmed : trimmed + separator;
        var prefixEnd = prefix[..^1] + (char)(separator + 1);
        using var command = SqliteSchema.Command(
            connection,
            null,
            $"SELECT {Columns} FROM images WHERE path = $root OR (path >= $prefix AND path < $end) ORDER BY path, frame_ticks");
        command.Parameters.AddWithValue("$root", trimmed);
        command.Parameters.AddWithValue("$prefix", prefix);
        command.Parameters.AddWithValue("$end", prefixEnd);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Image(reader);
        }
    }

    public static async Task<IReadOnlyList<StoredImage>> FailuresAsync(SqliteConnection connection, int limit, CancellationToken cancellationToken)
    {
        using var command = SqliteSchema.Command(connection, null, $"SELECT {Columns} FROM images WHERE status <> 0 ORDER BY id LIMIT $limit");
        command.Parameters.AddWithValue("$limit", limit);
        var images = new List<StoredImage>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            images.Add(Image(reader));
        }

        return images;
    }

    /// <summary>All counts from one statement, hence one snapshot: lines always match their images.</summary>
    public static async Task<IndexCounts> CountsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = SqliteSchema.Command(
            connection,
            null,
            """
            SELECT (SELECT count(*) FROM images), (SELECT count(*) FROM lines), (SELECT count(*) FROM words),
                   (SELECT count(*) FROM images WHERE status = 1), (SELECT count(*) FROM images WHERE status = 2)
            """);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new IndexCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    public static async IAsyncEnumerable<StoredEmbedding> EmbeddingsAsync(SqliteConnection connection, string modelId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var command = SqliteSchema.Command(
            connection,
            null,
            "SELECT id, image_id, owner_kind, line_id, region, model_id, dim, precision, vector FROM embeddings WHERE model_id = $model ORDER BY id");
        command.Parameters.AddWithValue("$model", modelId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var precision = (EmbeddingPrecision)reader.GetInt32(7);
            yield return new StoredEmbedding(
                reader.GetInt64(0),
                reader.GetInt64(1),
                (EmbeddingOwnerKind)reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3),
                reader.IsDBNull(4) ? null : StoreCodecs.DecodeQuad(reader.GetFieldValue<byte[]>(4)),
                reader.GetString(5),
                precision,
                StoreCodecs.DecodeVector(reader.GetFieldValue<byte[]>(8), reader.GetInt32(6), precision));
        }
    }

    private static async Task<StoredImage?> SingleAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Image(reader) : null;
    }

    public static StoredImage Image(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        new ImageKey(reader.GetString(1), StoreCodecs.FrameTime(reader.GetInt64(2))),
        reader.GetString(3),
        reader.GetInt64(4),
        StoreCodecs.Time(reader.GetInt64(5)),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.GetInt32(7),
        reader.GetInt32(8),
        reader.IsDBNull(9) ? null : new FrameSpan(TimeSpan.FromTicks(reader.GetInt64(9)), TimeSpan.FromTicks(reader.IsDBNull(10) ? reader.GetInt64(9) : reader.GetInt64(10))),
        (ImageStatus)reader.GetInt32(11),
        reader.IsDBNull(12) ? null : reader.GetString(12),
        StoreCodecs.Time(reader.GetInt64(13)));
}
