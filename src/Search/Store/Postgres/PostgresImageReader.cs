using System.Runtime.CompilerServices;
using Npgsql;

namespace Retrieval.Search.Store.Postgres;

/// <summary>Image, count and embedding reads, each one statement (one snapshot) on a read connection.</summary>
internal static class PostgresImageReader
{
    private const string Columns = "id, path, frame_ticks, root, size, modified_ticks, content_hash, width, height, frame_start_ticks, frame_end_ticks, status, error, indexed_ticks";

    public static async Task<StoredImage?> FindAsync(NpgsqlConnection connection, ImageKey key, CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(connection, null, $"SELECT {Columns} FROM images WHERE path = $1 AND frame_ticks = $2", key.Path, StoreCodecs.FrameKey(key.FrameTime));
        return await SingleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<StoredImage?> GetAsync(NpgsqlConnection connection, long imageId, CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(connection, null, $"SELECT {Columns} FROM images WHERE id = $1", imageId);
        return await SingleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The images at <paramref name="root"/> or below it: one range of the key index, since paths sort by code point ("C" collation).</summary>
    public static async IAsyncEnumerable<StoredImage> UnderAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string root, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var separator = Path.DirectorySeparatorChar;
        var trimmed = Path.TrimEndingDirectorySeparator(root);
        var prefix = trimmed.EndsWith(separator) ? trimmed : trimmed + separator;
        var prefixEnd = prefix[..^1] + (char)(separator + 1);
        await using var command = PostgresSchema.Command(
            connection,
            transaction,
            $"SELECT {Columns} FROM images WHERE path = $1 OR (path >= $2 AND path < $3) ORDER BY path, frame_ticks",
            trimmed,
            prefix,
            prefixEnd);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Image(reader);
        }
    }

    public static async Task<IReadOnlyList<StoredImage>> FailuresAsync(NpgsqlConnection connection, int limit, CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(connection, null, $"SELECT {Columns} FROM images WHERE status <> 0 ORDER BY id LIMIT $1", (long)limit);
        var images = new List<StoredImage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            images.Add(Image(reader));
        }

        return images;
    }

    /// <summary>All counts from one statement, hence one snapshot: lines always match their images.</summary>
    public static async Task<IndexCounts> CountsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(
            connection,
            null,
            """
            SELECT (SELECT count(*) FROM images), (SELECT count(*) FROM lines), (SELECT count(*) FROM words),
                   (SELECT count(*) FROM images WHERE status = 1), (SELECT count(*) FROM images WHERE status = 2)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new IndexCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    public static async IAsyncEnumerable<StoredEmbedding> EmbeddingsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string modelId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(
            connection,
            transaction,
            "SELECT id, image_id, owner_kind, line_id, region, model_id, dim, precision, vector FROM embeddings WHERE model_id = $1 ORDER BY id",
            modelId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var precision = (EmbeddingPrecision)reader.GetInt16(7);
            yield return new StoredEmbedding(
                reader.GetInt64(0),
                reader.GetInt64(1),
                (EmbeddingOwnerKind)reader.GetInt16(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3),
                reader.IsDBNull(4) ? null : StoreCodecs.DecodeQuad(reader.GetFieldValue<byte[]>(4)),
                reader.GetString(5),
                precision,
                StoreCodecs.DecodeVector(reader.GetFieldValue<byte[]>(8), reader.GetInt32(6), precision));
        }
    }

    private static async Task<StoredImage?> SingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Image(reader) : null;
    }

    private static StoredImage Image(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        new ImageKey(reader.GetString(1), StoreCodecs.FrameTime(reader.GetInt64(2))),
        reader.GetString(3),
        reader.GetInt64(4),
        StoreCodecs.Time(reader.GetInt64(5)),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.GetInt32(7),
        reader.GetInt32(8),
        reader.IsDBNull(9) ? null : new FrameSpan(TimeSpan.FromTicks(reader.GetInt64(9)), TimeSpan.FromTicks(reader.IsDBNull(10) ? reader.GetInt64(9) : reader.GetInt64(10))),
        (ImageStatus)reader.GetInt16(11),
        reader.IsDBNull(12) ? null : reader.GetString(12),
        StoreCodecs.Time(reader.GetInt64(13)));
}
