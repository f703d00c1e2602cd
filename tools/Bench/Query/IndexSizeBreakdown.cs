using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Retrieval.Bench.Query;

/// <summary>
/// What an index file holds per line: payload bytes of lattices, line texts, words and the two
/// FTS5 gram tables (their data blocks and document sizes). Page overhead, row headers and the
/// B-tree indexes make up the rest of the file size.
/// </summary>
internal static class IndexSizeBreakdown
{
    private const string Sql = """
        SELECT (SELECT sum(length(lattice)) FROM lines),
               (SELECT sum(length(CAST(text AS BLOB)) + length(quad)) FROM lines),
               (SELECT sum(length(CAST(text AS BLOB)) + length(quad)) FROM words),
               (SELECT sum(length(block)) FROM line_trigrams_data) + (SELECT sum(length(sz)) FROM line_trigrams_docsize),
               (SELECT sum(length(block)) FROM line_grams_data) + (SELECT sum(length(sz)) FROM line_grams_docsize)
        """;

    public static void Print(TextWriter writer, string databasePath, long lines)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        using var reader = command.ExecuteReader();
        reader.Read();
        double PerLine(int column) => reader.IsDBNull(column) ? 0 : reader.GetInt64(column) / (double)Math.Max(1, lines);
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {lines:N0} lines, payload B/line: lattices {PerLine(0):F0}, line text + quad {PerLine(1):F0}, words {PerLine(2):F0}, trigram index {PerLine(3):F0}, short-gram index {PerLine(4):F0}"));
    }
}
