using System.Text.Json;
using Microsoft.Data.Sqlite;
using Retrieval.Models.Text;

namespace Retrieval.Search.Store;

/// <summary>
/// The write side of the SQLite index, on the single writer connection (the caller serializes
/// calls). Each public method is one IMMEDIATE transaction; an exception anywhere rolls the whole
/// call back, so a batch is stored entirely or not at all. A call that adds or removes embeddings (directly, or by
/// replacing or deleting an image that had some) raises the embedding generation in the same transaction.
/// </summary>
internal sealed class SqliteImageWriter(SqliteConnection connection, LatticeAlternativesOptions alternatives)
{
    public IReadOnlyList<long> Write(IReadOnlyList<ImageDocument> batch, CancellationToken cancellationToken)
    {
        foreach (var document in batch)
        {
            ArgumentNullException.ThrowIfNull(document, nameof(batch));
            document.Validate();
        }

        var ids = new List<long>(batch.Count);
        using var transaction = connection.BeginTransaction(deferred: false);
        using var commands = new WriteCommands(connection, transaction);
        var now = DateTimeOffset.UtcNow.UtcTicks;
        var embeddingsChanged = false;
        foreach (var document in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ids.Add(WriteImage(commands, document, now, ref embeddingsChanged));
        }

        if (embeddingsChanged)
        {
            SqliteSchema.BumpEmbeddingGeneration(connection, transaction);
        }

        cancellationToken.ThrowIfCancellationRequested();
        SqliteCommit.Commit(transaction);
        return ids;
    }

    public int DeleteImages(IReadOnlyList<long> imageIds, CancellationToken cancellationToken) =>
        DeleteWhere("id IN (SELECT value FROM json_each($values))", JsonSerializer.Serialize(imageIds), cancellationToken);

    public int DeletePaths(IReadOnlyList<string> paths, CancellationToken cancellationToken) =>
        DeleteWhere("path IN (SELECT value FROM json_each($values))", JsonSerializer.Serialize(paths), cancellationToken);

    /// <summary>Drops and recreates everything (any schema version), keeping id counters and raising the embedding generation.</summary>
    public void Clear()
    {
        // PRAGMA foreign_keys is ignored inside a transaction, so it is switched around it.
        SqliteSchema.Execute(connection, null, "PRAGMA foreign_keys = OFF");
        try
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var hasMeta = SqliteSchema.Scalar<long>(connection, transaction, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'") != 0;
            var generation = hasMeta ? SqliteSchema.ReadMeta(connection, transaction, SqliteSchema.EmbeddingGenerationKey) : null;
            SqliteSchema.DropAll(connection, transaction);

            // Vector files made before the rebuild must not match the rebuilt index, even when it ends with as many rows.
            if (generation is not null)
            {
                SqliteSchema.WriteMeta(connection, transaction, SqliteSchema.EmbeddingGenerationKey, generation);
            }

            SqliteSchema.BumpEmbeddingGeneration(connection, transaction);
            SqliteCommit.Commit(transaction);
        }
        finally
        {
            SqliteSchema.Execute(connection, null, "PRAGMA foreign_keys = ON");
        }
    }

    private int DeleteWhere(string condition, string json, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var embedded = SqliteSchema.Command(connection, transaction, $"SELECT EXISTS (SELECT 1 FROM embeddings WHERE image_id IN (SELECT id FROM images WHERE {condition}))"))
        {
            embedded.Parameters.AddWithValue("$values", json);
            if ((long)embedded.ExecuteScalar()! != 0)
            {
                SqliteSchema.BumpEmbeddingGeneration(connection, transaction);
            }
        }

        using var command = SqliteSchema.Command(connection, transaction, $"DELETE FROM images WHERE {condition}");
        command.Parameters.AddWithValue("$values", json);
        var deleted = command.ExecuteNonQuery();
        cancellationToken.ThrowIfCancellationRequested();
        SqliteCommit.Commit(transaction);
        return deleted;
    }

    private long WriteImage(WriteCommands commands, ImageDocument document, long now, ref bool embeddingsChanged)
    {
        var key = StoreCodecs.FrameKey(document.Key.FrameTime);
        if (!embeddingsChanged)
        {
            commands.HadEmbeddings.Parameters["$path"].Value = document.Key.Path;
            commands.HadEmbeddings.Parameters["$frame"].Value = key;
            embeddingsChanged = document.Embeddings.Count > 0 || (long)commands.HadEmbeddings.ExecuteScalar()! != 0;
        }

        commands.DeleteKey.Parameters["$path"].Value = document.Key.Path;
        commands.DeleteKey.Parameters["$frame"].Value = key;
        commands.DeleteKey.ExecuteNonQuery();

        var image = commands.InsertImage.Parameters;
        image["$path"].Value = document.Key.Path;
        image["$frame"].Value = key;
        image["$kind"].Value = (int)document.Key.Kind;
        image["$root"].Value = document.Root;
        image["$size"].Value = document.Size;
        image["$modified"].Value = StoreCodecs.Time(document.Modified);
        image["$hash"].Value = (object?)document.ContentHash ?? DBNull.Value;
        image["$width"].Value = document.Width;
        image["$height"].Value = document.Height;
        image["$start"].Value = document.FrameSpan is { } s ? s.Start.Ticks : DBNull.Value;
        image["$end"].Value = document.FrameSpan is { } e ? e.End.Ticks : DBNull.Value;
        image["$status"].Value = (int)document.Status;
        image["$error"].Value = (object?)document.Error ?? DBNull.Value;
        image["$indexed"].Value = now;
        var imageId = (long)commands.InsertImage.ExecuteScalar()!;

        var lineIds = new long[document.Lines.Count];
        for (var i = 0; i < document.Lines.Count; i++)
        {
            lineIds[i] = WriteLine(commands, imageId, i, document.Lines[i]);
        }

        foreach (var embedding in document.Embeddings)
        {
            var p = commands.InsertEmbedding.Parameters;
            p["$image"].Value = imageId;
            p["$owner"].Value = (int)embedding.Owner;
            p["$line"].Value = embedding.LineIndex is { } li ? lineIds[li] : DBNull.Value;
            p["$region"].Value = embedding.Region is { } r ? StoreCodecs.EncodeQuad(r) : DBNull.Value;
            p["$model"].Value = embedding.ModelId;
            p["$dim"].Value = embedding.Vector.Length;
            p["$precision"].Value = (int)embedding.Precision;
            p["$vector"].Value = StoreCodecs.EncodeVector(embedding.Vector, embedding.Precision);
            commands.InsertEmbedding.ExecuteNonQuery();
        }

        return imageId;
    }

    private long WriteLine(WriteCommands commands, long imageId, int ordinal, LineDocument line)
    {
        var p = commands.InsertLine.Parameters;
        p["$image"].Value = imageId;
        p["$ordinal"].Value = ordinal;
        p["$quad"].Value = StoreCodecs.EncodeQuad(line.Quad);
        p["$text"].Value = line.Text;
        p["$confidence"].Value = (double)line.Confidence;
        p["$lattice"].Value = LatticeCodec.Encode(line.Lattice);
        var lineId = (long)commands.InsertLine.ExecuteScalar()!;

        var readings = CandidateGrams.Readings(line.Text, LatticeAlternatives.DeriveTexts(line.Lattice, alternatives));
        commands.InsertTrigrams.Parameters["$id"].Value = lineId;
        commands.InsertTrigrams.Parameters["$text"].Value = CandidateGrams.TrigramDocument(readings);
        commands.InsertTrigrams.ExecuteNonQuery();
        commands.InsertGrams.Parameters["$id"].Value = lineId;
        commands.InsertGrams.Parameters["$text"].Value = CandidateGrams.ShortGramDocument(readings);
        commands.InsertGrams.ExecuteNonQuery();

        for (var w = 0; w < line.Words.Count; w++)
        {
            var word = line.Words[w];
            var wp = commands.InsertWord.Parameters;
            wp["$line"].Value = lineId;
            wp["$ordinal"].Value = w;
            wp["$quad"].Value = StoreCodecs.EncodeQuad(word.Quad);
            wp["$text"].Value = word.Text;
            wp["$confidence"].Value = (double)word.Confidence;
            commands.InsertWord.ExecuteNonQuery();
        }

        return lineId;
    }

    /// <summary>The statements of one batch, prepared once and reused for every row.</summary>
    private sealed class WriteCommands : IDisposable
    {
        private readonly List<SqliteCommand> all = [];

        public WriteCommands(SqliteConnection connection, SqliteTransaction transaction)
        {
            SqliteCommand Make(string sql, params string[] parameters)
            {
                var command = SqliteSchema.Command(connection, transaction, sql);
                foreach (var name in parameters)
                {
                    command.Parameters.Add(new SqliteParameter { ParameterName = name });
                }

                all.Add(command);
                return command;
            }

            HadEmbeddings = Make(
                "SELECT EXISTS (SELECT 1 FROM images i JOIN embeddings e ON e.image_id = i.id WHERE i.path = $path AND i.frame_ticks = $frame)",
                "$path",
                "$frame");
            DeleteKey = Make("DELETE FROM images WHERE path = $path AND frame_ticks = $frame", "$path", "$frame");
            InsertImage = Make(
                """
                INSERT INTO images (path, frame_ticks, kind, root, size, modified_ticks, content_hash, width, height,
                                    frame_start_ticks, frame_end_ticks, status, error, indexed_ticks)
                VALUES ($path, $frame, $kind, $root, $size, $modified, $hash, $width, $height, $start, $end, $status, $error, $indexed)
                RETURNING id
                """,
                "$path", "$frame", "$kind", "$root", "$size", "$modified", "$hash", "$width", "$height", "$start", "$end", "$status", "$error", "$indexed");
            InsertLine = Make(
                "INSERT INTO lines (image_id, ordinal, quad, text, confidence, lattice) VALUES ($image, $ordinal, $quad, $text, $confidence, $lattice) RETURNING id",
                "$image", "$ordinal", "$quad", "$text", "$confidence", "$lattice");
            InsertTrigrams = Make("INSERT INTO line_trigrams (rowid, readings) VALUES ($id, $text)", "$id", "$text");
            InsertGrams = Make("INSERT INTO line_grams (rowid, grams) VALUES ($id, $text)", "$id", "$text");
            InsertWord = Make(
                "INSERT INTO words (line_id, ordinal, quad, text, confidence) VALUES ($line, $ordinal, $quad, $text, $confidence)",
                "$line", "$ordinal", "$quad", "$text", "$confidence");
            InsertEmbedding = Make(
                "INSERT INTO embeddings (image_id, owner_kind, line_id, region, model_id, dim, precision, vector) VALUES ($image, $owner, $line, $region, $model, $dim, $precision, $vector)",
                "$image", "$owner", "$line", "$region", "$model", "$dim", "$precision", "$vector");
        }

        public SqliteCommand HadEmbeddings { get; }

        public SqliteCommand DeleteKey { get; }

        public SqliteCommand InsertImage { get; }

        public SqliteCommand InsertLine { get; }

        public SqliteCommand InsertTrigrams { get; }

        public SqliteCommand InsertGrams { get; }

        public SqliteCommand InsertWord { get; }

        public SqliteCommand InsertEmbedding { get; }

        public void Dispose()
        {
            foreach (var command in all)
            {
                command.Dispose();
            }
        }
    }
}
