using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Retrieval.Search.Store;

/// <summary>
/// The SQL of <see cref="IEmbeddingStore"/> on the SQLite index: reads on a reader connection, writes on the single
/// writer connection (the caller serializes them), each write one IMMEDIATE transaction that raises the embedding
/// generation when it changed anything.
/// </summary>
internal static class SqliteEmbeddings
{
    public static async Task<IReadOnlySet<long>> EmbeddedImagesAsync(SqliteConnection connection, string modelId, CancellationToken cancellationToken)
    {
        using var command = SqliteSchema.Command(connection, null, "SELECT DISTINCT image_id FROM embeddings WHERE model_id = $model");
        command.Parameters.AddWithValue("$model", modelId);
        var ids = new HashSet<long>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    public static async IAsyncEnumerable<StoredImage> WithoutAsync(SqliteConnection connection, string modelId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var command = SqliteSchema.Command(
            connection,
            null,
            $"""
            SELECT {SqliteImageReader.Columns} FROM images
            WHERE status = 0 AND kind = 0
              AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.image_id = images.id AND e.model_id = $model)
            ORDER BY id
            """);
        command.Parameters.AddWithValue("$model", modelId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return SqliteImageReader.Image(reader);
        }
    }

    public static async Task<EmbeddingCounts> CountAsync(SqliteConnection connection, string modelId, CancellationToken cancellationToken)
    {
        using var command = SqliteSchema.Command(connection, null, "SELECT count(*), count(DISTINCT image_id) FROM embeddings WHERE model_id = $model");
        command.Parameters.AddWithValue("$model", modelId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new EmbeddingCounts(reader.GetInt64(0), reader.GetInt64(1));
    }

    public static EmbeddingState State(SqliteConnection connection, SqliteTransaction? transaction, string modelId)
    {
        var generation = SqliteSchema.ReadMetaLong(connection, transaction, SqliteSchema.EmbeddingGenerationKey) ?? 0;
        using var command = SqliteSchema.Command(connection, transaction, "SELECT count(*), coalesce(max(id), 0) FROM embeddings WHERE model_id = $model");
        command.Parameters.AddWithValue("$model", modelId);
        using var reader = command.ExecuteReader();
        reader.Read();
        return new EmbeddingState(generation, reader.GetInt64(0), reader.GetInt64(1));
    }

    public static int Replace(SqliteConnection connection, IReadOnlyList<ImageEmbeddings> batch, CancellationToken cancellationToken)
    {
        foreach (var entry in batch)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(batch));
            foreach (var embedding in entry.Embeddings)
            {
                // Lines are addressed by their index in a document; here there is no document.
                var problem = embedding.Owner == EmbeddingOwnerKind.Line ? "line embeddings can only be written with their image document" : embedding.Problem(0);
                if (problem is not null)
                {
                    throw new ArgumentException($"Invalid embedding for image {entry.ImageId}: {problem}.", nameof(batch));
                }
            }
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        using var exists = SqliteSchema.Command(connection, transaction, "SELECT 1 FROM images WHERE id = $image");
        using var delete = SqliteSchema.Command(connection, transaction, "DELETE FROM embeddings WHERE image_id = $image");
        using var insert = SqliteSchema.Command(
            connection,
            transaction,
            "INSERT INTO embeddings (image_id, owner_kind, line_id, region, model_id, dim, precision, vector) VALUES ($image, $owner, NULL, $region, $model, $dim, $precision, $vector)");
        var image = exists.Parameters.Add("$image", SqliteType.Integer);
        var deleteImage = delete.Parameters.Add("$image", SqliteType.Integer);
        var p = insert.Parameters;
        foreach (var name in new[] { "$image", "$owner", "$region", "$model", "$dim", "$precision", "$vector" })
        {
            p.Add(new SqliteParameter { ParameterName = name });
        }

        var written = 0;
        foreach (var entry in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            image.Value = entry.ImageId;
            if (exists.ExecuteScalar() is null)
            {
                continue;
            }

            deleteImage.Value = entry.ImageId;
            delete.ExecuteNonQuery();
            foreach (var embedding in entry.Embeddings)
            {
                p["$image"].Value = entry.ImageId;
                p["$owner"].Value = (int)embedding.Owner;
                p["$region"].Value = embedding.Region is { } r ? StoreCodecs.EncodeQuad(r) : DBNull.Value;
                p["$model"].Value = embedding.ModelId;
                p["$dim"].Value = embedding.Vector.Length;
                p["$precision"].Value = (int)embedding.Precision;
                p["$vector"].Value = StoreCodecs.EncodeVector(embedding.Vector, embedding.Precision);
                insert.ExecuteNonQuery();
            }

            written++;
        }

        if (written > 0)
        {
            SqliteSchema.BumpEmbeddingGeneration(connection, transaction);
        }

        cancellationToken.ThrowIfCancellationRequested();
        SqliteCommit.Commit(transaction);
        return written;
    }

    public static long Delete(SqliteConnection connection, string? keepModelId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = SqliteSchema.Command(connection, transaction, keepModelId is null ? "DELETE FROM embeddings" : "DELETE FROM embeddings WHERE model_id <> $model");
        if (keepModelId is not null)
        {
            command.Parameters.AddWithValue("$model", keepModelId);
        }

        long deleted = command.ExecuteNonQuery();
        if (deleted > 0)
        {
            SqliteSchema.BumpEmbeddingGeneration(connection, transaction);
        }

        SqliteCommit.Commit(transaction);
        return deleted;
    }
}
