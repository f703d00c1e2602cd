using System.Runtime.CompilerServices;
using Npgsql;
using Retrieval.Models.Text;

namespace Retrieval.Search.Store.Postgres;

/// <summary>
/// Line reads: each line comes with its words aggregated into arrays by the server, so one statement
/// (one snapshot, one round trip) returns whole lines whatever their number.
/// </summary>
internal static class PostgresLineReader
{
    private const string Select = """
        SELECT l.id, l.image_id, i.path, i.frame_ticks, l.ordinal, l.quad, l.text, l.confidence, l.lattice,
               w.ordinals, w.quads, w.texts, w.confidences
        FROM lines l
        JOIN images i ON i.id = l.image_id
        CROSS JOIN LATERAL (
            SELECT array_agg(ordinal ORDER BY ordinal) AS ordinals, array_agg(quad ORDER BY ordinal) AS quads,
                   array_agg(text ORDER BY ordinal) AS texts, array_agg(confidence ORDER BY ordinal) AS confidences
            FROM words WHERE words.line_id = l.id) w
        """;

    public static async Task<IReadOnlyList<StoredLine>> ByIdsAsync(NpgsqlConnection connection, IReadOnlyList<long> lineIds, CancellationToken cancellationToken)
    {
        if (lineIds.Count == 0)
        {
            return [];
        }

        await using var command = PostgresSchema.Command(connection, null, Select + " WHERE l.id = ANY($1) ORDER BY l.id", lineIds.Distinct().ToArray());
        return await ToListAsync(ReadAsync(command, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<StoredLine>> OfImageAsync(NpgsqlConnection connection, long imageId, CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(connection, null, Select + " WHERE l.image_id = $1 ORDER BY l.ordinal, l.id", imageId);
        return await ToListAsync(ReadAsync(command, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lattices of these lines, in id order, without words or image keys (what ranking reads by the thousand).</summary>
    public static Task<IReadOnlyList<StoredLattice>> LatticesByIdsAsync(NpgsqlConnection connection, IReadOnlyList<long> lineIds, CancellationToken cancellationToken) =>
        LatticesAsync(connection, "id = ANY($1) ORDER BY id", lineIds, cancellationToken);

    /// <summary>Lattices of every line of these images, by image then reading order.</summary>
    public static Task<IReadOnlyList<StoredLattice>> LatticesOfImagesAsync(NpgsqlConnection connection, IReadOnlyList<long> imageIds, CancellationToken cancellationToken) =>
        LatticesAsync(connection, "image_id = ANY($1) ORDER BY image_id, ordinal, id", imageIds, cancellationToken);

    /// <summary>Every line in id order; the caller runs it in a transaction without a statement timeout.</summary>
    public static async IAsyncEnumerable<StoredLine> AllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = PostgresSchema.Command(connection, transaction, Select + " ORDER BY l.id");
        await foreach (var line in ReadAsync(command, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    private static async IAsyncEnumerable<StoredLine> ReadAsync(NpgsqlCommand command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Line(reader);
        }
    }

    private static StoredLine Line(NpgsqlDataReader reader)
    {
        var words = new List<StoredWord>();
        if (!reader.IsDBNull(9))
        {
            var ordinals = reader.GetFieldValue<int[]>(9);
            var quads = reader.GetFieldValue<byte[][]>(10);
            var texts = reader.GetFieldValue<string[]>(11);
            var confidences = reader.GetFieldValue<float[]>(12);
            for (var i = 0; i < ordinals.Length; i++)
            {
                words.Add(new StoredWord(ordinals[i], StoreCodecs.DecodeQuad(quads[i]), texts[i], confidences[i]));
            }
        }

        return new StoredLine(
            reader.GetInt64(0),
            reader.GetInt64(1),
            new ImageKey(reader.GetString(2), StoreCodecs.FrameTime(reader.GetInt64(3))),
            reader.GetInt32(4),
            StoreCodecs.DecodeQuad(reader.GetFieldValue<byte[]>(5)),
            reader.GetString(6),
            reader.GetFloat(7),
            LatticeCodec.Decode(reader.GetFieldValue<byte[]>(8)),
            words);
    }

    private static async Task<IReadOnlyList<StoredLattice>> LatticesAsync(NpgsqlConnection connection, string conditionAndOrder, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var command = PostgresSchema.Command(
            connection, null, "SELECT id, image_id, ordinal, quad, text, lattice FROM lines WHERE " + conditionAndOrder, ids.Distinct().ToArray());
        var lattices = new List<StoredLattice>(ids.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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
}
