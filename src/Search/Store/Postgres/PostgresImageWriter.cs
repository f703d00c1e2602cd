using Npgsql;
using Retrieval.Models.Text;

namespace Retrieval.Search.Store.Postgres;

/// <summary>
/// The write side of the PostgreSQL index. The CPU work (validation, lattice encoding, alternatives
/// and grams) happens in <see cref="Prepare"/>, before any transaction; <see cref="WriteAsync"/> then
/// sends a batch in two round trips inside the caller's transaction (ids from the sequences, then
/// delete-by-key and one array insert per table), so a job can commit its images and its completion
/// together. Replacing an image deletes it by key (cascading to everything below it) and inserts it
/// with new ids, as in SQLite.
/// </summary>
internal sealed class PostgresImageWriter(LatticeAlternativesOptions alternatives)
{
    public PreparedBatch Prepare(IReadOnlyList<ImageDocument> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var document in batch)
        {
            ArgumentNullException.ThrowIfNull(document, nameof(batch));
            document.Validate();
        }

        var images = new List<PreparedImage>(batch.Count);
        foreach (var document in batch)
        {
            var lines = new PreparedLine[document.Lines.Count];
            for (var i = 0; i < lines.Length; i++)
            {
                var line = document.Lines[i];
                var readings = CandidateGrams.TrigramDocument(CandidateGrams.Readings(line.Text, LatticeAlternatives.DeriveTexts(line.Lattice, alternatives)));
                lines[i] = new PreparedLine(StoreCodecs.EncodeQuad(line.Quad), LatticeCodec.Encode(line.Lattice), readings, PostgresCandidateSearch.ShortKeys(readings));
            }

            images.Add(new PreparedImage(document, lines));
        }

        return new PreparedBatch(images);
    }

    /// <summary>Writes the batch in the caller's transaction; returns the image ids in batch order.</summary>
    public async Task<IReadOnlyList<long>> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PreparedBatch batch, CancellationToken cancellationToken)
    {
        var ids = new List<long>(batch.Images.Count);
        var now = DateTimeOffset.UtcNow.UtcTicks;

        // A key twice in one batch: the later one replaces the earlier, as sequential writes would.
        var segment = new List<PreparedImage>();
        var keys = new HashSet<ImageKey>();
        foreach (var image in batch.Images)
        {
            if (!keys.Add(image.Document.Key))
            {
                ids.AddRange(await WriteSegmentAsync(connection, transaction, segment, now, cancellationToken).ConfigureAwait(false));
                segment.Clear();
                keys.Clear();
                keys.Add(image.Document.Key);
            }

            segment.Add(image);
        }

        ids.AddRange(await WriteSegmentAsync(connection, transaction, segment, now, cancellationToken).ConfigureAwait(false));
        return ids;
    }

    public static async Task<int> DeleteImagesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<long> imageIds, CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(connection, transaction, "DELETE FROM images WHERE id = ANY($1)", imageIds.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<int> DeletePathsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(connection, transaction, "DELETE FROM images WHERE path = ANY($1)", (object)paths.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Empties the index, its settings and the job queue, keeping the schema and the id sequences
    /// (TRUNCATE does not restart them), as a SQLite rebuild does.
    /// </summary>
    public static async Task ClearAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await PostgresSchema.ExecuteAsync(connection, transaction, "TRUNCATE images, lines, words, embeddings, line_text, models, jobs", cancellationToken).ConfigureAwait(false);
        await PostgresSchema.ExecuteAsync(connection, transaction, "DELETE FROM meta WHERE key LIKE $1", cancellationToken, SqliteSchema.SettingKey("%")).ConfigureAwait(false);
        await PostgresSchema.WriteMetaAsync(connection, transaction, SqliteSchema.FoldingKey, ((int)TextFolding.Default).ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        await PostgresSchema.WriteMetaAsync(connection, transaction, SqliteSchema.CreatedKey, DateTimeOffset.UtcNow.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long[]> WriteSegmentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<PreparedImage> images, long now, CancellationToken cancellationToken)
    {
        if (images.Count == 0)
        {
            return [];
        }

        var lineCount = images.Sum(i => i.Lines.Length);
        var embeddingCount = images.Sum(i => i.Document.Embeddings.Count);
        var (imageIds, lineIds, embeddingIds) = await AllocateIdsAsync(connection, transaction, images.Count, lineCount, embeddingCount, cancellationToken).ConfigureAwait(false);

        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(
            "DELETE FROM images i USING unnest($1::text[], $2::bigint[]) AS k (path, frame) WHERE i.path = k.path AND i.frame_ticks = k.frame",
            images.Select(i => i.Document.Key.Path).ToArray(),
            images.Select(i => StoreCodecs.FrameKey(i.Document.Key.FrameTime)).ToArray()));
        batch.BatchCommands.Add(ImageRows(images, imageIds, now));
        var rows = new RowArrays(lineCount);
        for (int i = 0, line = 0, embedding = 0; i < images.Count; i++)
        {
            var first = line;
            var document = images[i].Document;
            for (var l = 0; l < images[i].Lines.Length; l++, line++)
            {
                rows.AddLine(lineIds[line], imageIds[i], l, document.Lines[l], images[i].Lines[l]);
            }

            foreach (var e in document.Embeddings)
            {
                rows.AddEmbedding(embeddingIds[embedding++], imageIds[i], e, e.LineIndex is { } index ? lineIds[first + index] : null);
            }
        }

        rows.AddTo(batch);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        return imageIds;
    }

    private static async Task<(long[] Images, long[] Lines, long[] Embeddings)> AllocateIdsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, int images, int lines, int embeddings, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (sequence, count) in new[] { ("image_ids", images), ("line_ids", lines), ("embedding_ids", embeddings) })
        {
            batch.BatchCommands.Add(Command($"SELECT nextval('{sequence}') FROM generate_series(1, $1)", count));
        }

        var result = new long[3][];
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        for (var set = 0; set < 3; set++)
        {
            var ids = new List<long>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }

            // Ids grow in batch order, as SQLite's AUTOINCREMENT hands them out.
            ids.Sort();
            result[set] = [.. ids];
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        return (result[0], result[1], result[2]);
    }

    private static NpgsqlBatchCommand ImageRows(List<PreparedImage> images, long[] ids, long now)
    {
        var documents = images.Select(i => i.Document).ToList();
        return Command(
            """
            INSERT INTO images (id, path, frame_ticks, kind, root, size, modified_ticks, content_hash, width, height,
                                frame_start_ticks, frame_end_ticks, status, error, indexed_ticks)
            SELECT *, $15 FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::smallint[], $5::text[], $6::bigint[], $7::bigint[],
                                      $8::text[], $9::integer[], $10::integer[], $11::bigint[], $12::bigint[], $13::smallint[], $14::text[])
            """,
            ids,
            documents.Select(d => d.Key.Path).ToArray(),
            documents.Select(d => StoreCodecs.FrameKey(d.Key.FrameTime)).ToArray(),
            documents.Select(d => (short)d.Key.Kind).ToArray(),
            documents.Select(d => d.Root).ToArray(),
            documents.Select(d => d.Size).ToArray(),
            documents.Select(d => StoreCodecs.Time(d.Modified)).ToArray(),
            documents.Select(d => d.ContentHash).ToArray(),
            documents.Select(d => d.Width).ToArray(),
            documents.Select(d => d.Height).ToArray(),
            documents.Select(d => d.FrameSpan?.Start.Ticks).ToArray(),
            documents.Select(d => d.FrameSpan?.End.Ticks).ToArray(),
            documents.Select(d => (short)d.Status).ToArray(),
            documents.Select(d => d.Error).ToArray(),
            now);
    }

    internal static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    /// <summary>Column arrays of the lines, words, text and embeddings of one segment, one insert per table.</summary>
    private sealed class RowArrays(int lineCount)
    {
        private readonly List<long> lineIds = new(lineCount);
        private readonly List<long> lineImages = new(lineCount);
        private readonly List<int> lineOrdinals = new(lineCount);
        private readonly List<byte[]> lineQuads = new(lineCount);
        private readonly List<string> lineTexts = new(lineCount);
        private readonly List<float> lineConfidences = new(lineCount);
        private readonly List<byte[]> lattices = new(lineCount);
        private readonly List<string> readings = new(lineCount);
        private readonly List<string> shortKeys = new(lineCount);
        private readonly List<long> wordLines = [];
        private readonly List<int> wordOrdinals = [];
        private readonly List<byte[]> wordQuads = [];
        private readonly List<string> wordTexts = [];
        private readonly List<float> wordConfidences = [];
        private readonly List<long> embeddingIds = [];
        private readonly List<long> embeddingImages = [];
        private readonly List<short> embeddingOwners = [];
        private readonly List<long?> embeddingLines = [];
        private readonly List<byte[]?> embeddingRegions = [];
        private readonly List<string> embeddingModels = [];
        private readonly List<int> embeddingDims = [];
        private readonly List<short> embeddingPrecisions = [];
        private readonly List<byte[]> embeddingVectors = [];

        public void AddLine(long id, long imageId, int ordinal, LineDocument line, PreparedLine prepared)
        {
            lineIds.Add(id);
            lineImages.Add(imageId);
            lineOrdinals.Add(ordinal);
            lineQuads.Add(prepared.Quad);
            lineTexts.Add(line.Text);
            lineConfidences.Add(line.Confidence);
            lattices.Add(prepared.Lattice);
            readings.Add(prepared.Readings);
            shortKeys.Add("{" + string.Join(',', prepared.ShortKeys) + "}");
            for (var w = 0; w < line.Words.Count; w++)
            {
                wordLines.Add(id);
                wordOrdinals.Add(w);
                wordQuads.Add(StoreCodecs.EncodeQuad(line.Words[w].Quad));
                wordTexts.Add(line.Words[w].Text);
                wordConfidences.Add(line.Words[w].Confidence);
            }
        }

        public void AddEmbedding(long id, long imageId, EmbeddingDocument embedding, long? lineId)
        {
            embeddingIds.Add(id);
            embeddingImages.Add(imageId);
            embeddingOwners.Add((short)embedding.Owner);
            embeddingLines.Add(lineId);
            embeddingRegions.Add(embedding.Region is { } region ? StoreCodecs.EncodeQuad(region) : null);
            embeddingModels.Add(embedding.ModelId);
            embeddingDims.Add(embedding.Vector.Length);
            embeddingPrecisions.Add((short)embedding.Precision);
            embeddingVectors.Add(StoreCodecs.EncodeVector(embedding.Vector, embedding.Precision));
        }

        public void AddTo(NpgsqlBatch batch)
        {
            if (lineIds.Count > 0)
            {
                batch.BatchCommands.Add(Command(
                    "INSERT INTO lines (id, image_id, ordinal, quad, text, confidence, lattice) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::bytea[], $5::text[], $6::real[], $7::bytea[])",
                    lineIds.ToArray(), lineImages.ToArray(), lineOrdinals.ToArray(), lineQuads.ToArray(), lineTexts.ToArray(), lineConfidences.ToArray(), lattices.ToArray()));

                // unnest flattens a two-dimensional array, so each row's keys travel as text ("{1,2,3}").
                batch.BatchCommands.Add(Command(
                    "INSERT INTO line_text (line_id, readings, short_keys) SELECT id, r, k::integer[] FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t (id, r, k)",
                    lineIds.ToArray(), readings.ToArray(), shortKeys.ToArray()));
            }

            if (wordLines.Count > 0)
            {
                batch.BatchCommands.Add(Command(
                    "INSERT INTO words (line_id, ordinal, quad, text, confidence) SELECT * FROM unnest($1::bigint[], $2::integer[], $3::bytea[], $4::text[], $5::real[])",
                    wordLines.ToArray(), wordOrdinals.ToArray(), wordQuads.ToArray(), wordTexts.ToArray(), wordConfidences.ToArray()));
            }

            if (embeddingIds.Count > 0)
            {
                batch.BatchCommands.Add(Command(
                    """
                    INSERT INTO embeddings (id, image_id, owner_kind, line_id, region, model_id, dim, precision, vector)
                    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::smallint[], $4::bigint[], $5::bytea[], $6::text[], $7::integer[], $8::smallint[], $9::bytea[])
                    """,
                    embeddingIds.ToArray(), embeddingImages.ToArray(), embeddingOwners.ToArray(), embeddingLines.ToArray(), embeddingRegions.ToArray(),
                    embeddingModels.ToArray(), embeddingDims.ToArray(), embeddingPrecisions.ToArray(), embeddingVectors.ToArray()));
            }
        }
    }
}

/// <summary>A batch made ready for writing, outside any transaction.</summary>
internal sealed record PreparedBatch(IReadOnlyList<PreparedImage> Images);

internal sealed record PreparedImage(ImageDocument Document, PreparedLine[] Lines);

/// <summary>A line's encoded quad and lattice, and its candidate text (see <see cref="CandidateGrams"/>).</summary>
internal sealed record PreparedLine(byte[] Quad, byte[] Lattice, string Readings, int[] ShortKeys);
