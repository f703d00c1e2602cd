using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Retrieval.Search.Store;

/// <summary>
/// One read transaction over a model's embeddings on a reader connection it owns: the state and the rows come from the
/// same WAL snapshot, so a vector file built from them is exactly the index at <see cref="State"/>.
/// </summary>
internal sealed class SqliteEmbeddingRows : IEmbeddingRowReader
{
    private readonly SqliteConnection connection;
    private readonly SqliteTransaction transaction;
    private readonly string modelId;
    private int read;

    private SqliteEmbeddingRows(SqliteConnection connection, SqliteTransaction transaction, string modelId, EmbeddingState state)
    {
        this.connection = connection;
        this.transaction = transaction;
        this.modelId = modelId;
        State = state;
    }

    public EmbeddingState State { get; }

    /// <summary>Takes ownership of <paramref name="connection"/>.</summary>
    public static SqliteEmbeddingRows Open(SqliteConnection connection, string modelId)
    {
        var transaction = connection.BeginTransaction(deferred: true);
        try
        {
            return new SqliteEmbeddingRows(connection, transaction, modelId, SqliteEmbeddings.State(connection, transaction, modelId));
        }
        catch
        {
            transaction.Dispose();
            connection.Dispose();
            throw;
        }
    }

    public async IAsyncEnumerable<StoredVectorRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref read, 1) != 0)
        {
            throw new InvalidOperationException("The embedding rows of a snapshot are read once.");
        }

        // The image index lists rows by (image_id, id) already, so no sort of a million vectors spills to a temp file.
        using var command = SqliteSchema.Command(
            connection,
            transaction,
            "SELECT id, image_id, region, precision, dim, vector FROM embeddings INDEXED BY embeddings_image WHERE model_id = $model ORDER BY image_id, id");
        command.Parameters.AddWithValue("$model", modelId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new StoredVectorRow(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.IsDBNull(2) ? null : StoreCodecs.DecodeQuad(reader.GetFieldValue<byte[]>(2)),
                (EmbeddingPrecision)reader.GetInt32(3),
                reader.GetInt32(4),
                reader.GetFieldValue<byte[]>(5));
        }
    }

    public ValueTask DisposeAsync()
    {
        transaction.Dispose();
        connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
