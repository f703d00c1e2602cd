using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Retrieval.Bench.Query;

/// <summary>
/// Where an index file's bytes go, per line: payload bytes of lattices, line texts and quads,
/// words, image records and the two FTS5 gram tables (their data blocks and document sizes), the
/// free pages a rewrite left behind, and the rest (page and row headers, the B-tree indexes, FTS5
/// structure records). The columns add up to the file size (with its write-ahead log).
/// </summary>
internal static class IndexSizeBreakdown
{
    private const string Sql = """
        SELECT (SELECT sum(length(lattice)) FROM lines),
               (SELECT sum(length(CAST(text AS BLOB)) + length(quad)) FROM lines),
               (SELECT sum(length(CAST(text AS BLOB)) + length(quad)) FROM words),
               (SELECT sum(length(CAST(path AS BLOB)) + length(CAST(root AS BLOB)) + coalesce(length(content_hash), 0)) FROM images),
               (SELECT sum(length(block)) FROM line_trigrams_data) + (SELECT sum(length(sz)) FROM line_trigrams_docsize),
               (SELECT sum(length(block)) FROM line_grams_data) + (SELECT sum(length(sz)) FROM line_grams_docsize),
               (SELECT freelist_count FROM pragma_freelist_count) * (SELECT page_size FROM pragma_page_size)
        """;

    private static readonly string[] Names = ["lattices", "line text + quad", "words", "image records", "trigram index", "short-gram index", "free pages"];

    public static void Print(TextWriter writer, string databasePath, long lines)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        using var reader = command.ExecuteReader();
        reader.Read();
        var parts = Enumerable.Range(0, Names.Length).Select(i => reader.IsDBNull(i) ? 0L : reader.GetInt64(i)).ToArray();
        var file = IndexFiles.Bytes(databasePath);
        var perLine = Math.Max(1, lines);
        var columns = Names.Zip(parts, (name, bytes) => string.Create(CultureInfo.InvariantCulture, $"{name} {bytes / (double)perLine:F0}"))
            .Append(string.Create(CultureInfo.InvariantCulture, $"other (page and row headers, B-tree indexes, FTS5 structure) {(file - parts.Sum()) / (double)perLine:F0}"));
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {lines:N0} lines, {file / (double)perLine:F0} B/line: {string.Join(", ", columns)}"));
    }
}
