using System.Text;
using Microsoft.Data.Sqlite;

namespace Retrieval.Search.Store;

/// <summary>
/// Candidate lines for a query term from the two FTS5 gram tables (see <see cref="CandidateGrams"/>).
/// Each distinct gram is one single-token FTS5 lookup; the hits are counted per line in SQL, so a
/// line sharing most but not all grams with the term (a misread character) still ranks high.
/// </summary>
internal static class SqliteCandidateSearch
{
    public static async Task<IReadOnlyList<LineCandidate>> FindAsync(SqliteConnection connection, string term, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(term);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var query = CandidateGrams.ForTerm(term);
        if (query.Count == 0 || limit == 0)
        {
            return [];
        }

        using var command = connection.CreateCommand();
        if (query.Exact)
        {
            command.CommandText = "SELECT rowid, 1 FROM line_grams WHERE line_grams MATCH $g0 ORDER BY rowid LIMIT $limit";
            command.Parameters.AddWithValue("$g0", CandidateGrams.Phrase(query.ShortTokens[0]));
        }
        else
        {
            var sql = new StringBuilder("SELECT id, count(*) AS n FROM (");
            var index = 0;
            foreach (var (table, grams) in new[] { ("line_trigrams", query.Trigrams), ("line_grams", query.ShortTokens) })
            {
                foreach (var gram in grams)
                {
                    var name = $"$g{index}";
                    sql.Append(index == 0 ? string.Empty : " UNION ALL ")
                        .Append("SELECT rowid AS id FROM ").Append(table).Append(" WHERE ").Append(table).Append(" MATCH ").Append(name);
                    command.Parameters.AddWithValue(name, CandidateGrams.Phrase(gram));
                    index++;
                }
            }

            command.CommandText = sql.Append(") GROUP BY id ORDER BY n DESC, id LIMIT $limit").ToString();
        }

        command.Parameters.AddWithValue("$limit", limit);
        var candidates = new List<LineCandidate>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            candidates.Add(new LineCandidate(reader.GetInt64(0), reader.GetInt32(1), query.Count));
        }

        return candidates;
    }
}
