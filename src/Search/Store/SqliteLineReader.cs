using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Retrieval.Models.Text;

namespace Retrieval.Search.Store;

/// <summary>
/// Line reads: lines and their words come from two ordered cursors (lines by id, words by line id)
/// merged in one read transaction, so each line gets its words without a query per line and both
/// come from the same snapshot.
/// </summary>
internal static class SqliteLineReader
{
    public static async Task<IReadOnlyList<StoredLine>> ByIdsAsync(SqliteConnection connection, IReadOnlyList<long> lineIds, CancellationToken cancellationToken)
    {
        if (lineIds.Count == 0)
        {
            return [];
        }

        var selection = new Selection(
            "l.id IN (SELECT value FROM json_each($ids))",
            "w.line_id IN (SELECT value FROM json_each($ids))",
            "$ids",
            JsonSerializer.Serialize(lineIds));
        return await ToListAsync(ReadAsync(connection, selection, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<StoredLine>> OfImageAsync(SqliteConnection connection, long imageId, CancellationToken cancellationToken)
    {
        var selection = new Selection("l.image_id = $image", "w.line_id IN (SELECT id FROM lines WHERE image_id = $image)", "$image", imageId);
        var lines = await ToListAsync(ReadAsync(connection, selection, cancellationToken), cancellationToken).ConfigureAwait(false);
        lines.Sort(static (a, b) => a.Ordinal.CompareTo(b.Ordinal));
        return lines;
    }

    /// <summary>Lattices of these lines, in id order (lines.id is the rowid, so each is one b-tree lookup).</summary>
    public static Task<IReadOnlyList<StoredLattice>> LatticesByIdsAsync(SqliteConnection connection, IReadOnlyList<long> lineIds, CancellationToken cancellationToken) =>
        LatticesAsync(connection, "id IN (SELECT value FROM json_each($ids))", "id", lineIds, cancellationToken);

    /// <summary>Lattices of every line of these images, by image then reading order (the lines_image index).</summary>
    public static Task<IReadOnlyList<StoredLattice>> LatticesOfImagesAsync(SqliteConnection connection, IReadOnlyList<long> imageIds, CancellationToken cancellationToken) =>
        LatticesAsync(connection, "image_id IN (SELECT value FROM json_each($ids))", "image_id, ordinal", imageIds, cancellationToken);

    public static IAsyncEnumerable<StoredLine> AllAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        ReadAsync(connection, new Selection("1", "1", null, null), cancellationToken);

    private static async IAsyncEnumerable<StoredLine> ReadAsync(SqliteConnection connection, Selection selection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction(deferred: true);
        using var lines = SqliteSchema.Command(
            connection,
            transaction,
            $"""
            SELECT l.id, l.image_id, i.path, i.frame_ticks, l.ordinal, l.quad, l.text, l.confidence, l.lattice
            FROM lines l JOIN images i ON i.id = l.image_id
            WHERE {selection.Lines} ORDER BY l.id
            """);
        using var words = SqliteSchema.Command(
            connection,
            transaction,
            $"SELECT w.line_id, w.ordinal, w.quad, w.text, w.confidence FROM words w WHERE {selection.Words} ORDER BY w.line_id, w.ordinal");
        if (selection.Parameter is { } name)
        {
            lines.Parameters.AddWithValue(name, selection.Value);
            words.Parameters.AddWithValue(name, selection.Value);
        }

        using var lineReader = await lines.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        using var wordReader = await words.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var hasWord = await wordReader.ReadAsync(cancellationToken).ConfigureAwait(false);
        while (await lineReader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var lineId = lineReader.GetInt64(0);
            var lineWords = new List<StoredWord>();
            while (hasWord && wordReader.GetInt64(0) <= lineId)
            {
                if (wordReader.GetInt64(0) == lineId)
                {
                    lineWords.Add(new StoredWord(
                        wordReader.GetInt32(1),
                        StoreCodecs.DecodeQuad(wordReader.GetFieldValue<byte[]>(2)),
                        wordReader.GetString(3),
                        (float)wordReader.GetDouble(4)));
                }

                hasWord = await wordReader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            yield return new StoredLine(
                lineId,
                lineReader.GetInt64(1),
                new ImageKey(lineReader.GetString(2), StoreCodecs.FrameTime(lineReader.GetInt64(3))),
                lineReader.GetInt32(4),
                StoreCodecs.DecodeQuad(lineReader.GetFieldValue<byte[]>(5)),
                lineReader.GetString(6),
                (float)lineReader.GetDouble(7),
                LatticeCodec.Decode(lineReader.GetFieldValue<byte[]>(8)),
                lineWords);
        }
    }

    private static async Task<IReadOnlyList<StoredLattice>> LatticesAsync(SqliteConnection connection, string condition, string order, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        using var command = SqliteSchema.Command(connection, null, $"SELECT id, image_id, ordinal, quad, text, lattice FROM lines WHERE {condition} ORDER BY {order}");
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids));
        var lattices = new List<StoredLattice>(ids.Count);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lattices.Add(new StoredLattice(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetInt32(2),
                StoreCodecs.DecodeQuad(reader.GetFieldValue<byte[]>(3)),
                reader.GetString(4),
                LatticeCodec.Decode(reader.GetFieldValue<byte[]>(5))));
        }

        return lattices;
    }

    private static async Task<List<StoredLine>> ToListAsync(IAsyncEnumerable<StoredLine> lines, CancellationToken cancellationToken)
    {
        var list = new List<StoredLine>();
        await foreach (var line in lines.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            list.Add(line);
        }

        return list;
    }

    /// <summary>Which lines to read: a condition on lines (alias l), the matching one on words (alias w), and their one parameter.</summary>
    private sealed record Selection(string Lines, string Words, string? Parameter, object? Value);
}
