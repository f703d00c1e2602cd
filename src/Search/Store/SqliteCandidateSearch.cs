using System.Text;
using Microsoft.Data.Sqlite;

namespace Retrieval.Search.Store;

/// <summary>
/// Candidate lines for a query term from the two FTS5 gram tables (see <see cref="CandidateGrams"/>).
/// Each distinct gram is one single-token FTS5 lookup; the hits are counted per line in SQL, so a
/// line sharing most but not all grams with the term (a misread character) still ranks high.
/// <para>
/// Counting reads every line of every gram, and the bigrams of a 3- or 4-character term are in a
/// good part of a large index's lines, so such terms first try <see cref="ShortTermSql"/>, which
/// reads only their trigrams and the lines holding all their bigrams, and falls back to counting
/// everything when that does not fill the limit. Both give the same lines in the same order.
/// </para>
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

        using var transaction = connection.BeginTransaction(deferred: true);
        if (ShortTermSql(query) is { } shortSql)
        {
            using var command = Command(connection, transaction, shortSql, query, limit);
            var found = await ReadAsync(command, query, cancellationToken).ConfigureAwait(false);
            if (found.Count == limit)
            {
                return found;
            }
        }

        using var counting = Command(connection, transaction, query.Exact ? ExactSql : CountingSql(query), query, limit);
        return await ReadAsync(counting, query, cancellationToken).ConfigureAwait(false);
    }

    private const string ExactSql = "SELECT rowid, 1 FROM line_grams WHERE line_grams MATCH $s0 ORDER BY rowid LIMIT $limit";

    /// <summary>Every line sharing a gram, with the number it shares: one lookup per gram, counted together.</summary>
    private static string CountingSql(GramQuery query)
    {
        var sql = new StringBuilder("SELECT id, count(*) AS n FROM (");
        var parts = query.Trigrams.Select((_, i) => $"SELECT rowid AS id FROM line_trigrams WHERE line_trigrams MATCH $t{i}")
            .Concat(query.ShortTokens.Select((_, i) => $"SELECT rowid AS id FROM line_grams WHERE line_grams MATCH $s{i}"));
        return sql.AppendJoin(" UNION ALL ", parts).Append(") GROUP BY id ORDER BY n DESC, id LIMIT $limit").ToString();
    }

    /// <summary>
    /// For a term of 3 or 4 characters (1 or 2 trigrams $t0, $t1 and 2 or 3 bigrams): the lines
    /// holding a trigram or all the bigrams ($all, one FTS5 AND), with their exact gram counts, in
    /// the counting query's order. A trigram's two bigrams are in any reading holding it, so with
    /// one trigram a line holds all but at most one bigram, and it holds that one exactly when it
    /// holds all of them. Every line found shares at least as many grams as there are bigrams, and
    /// every line not found fewer, so when this fills the limit the counting query would return
    /// the same lines. Rows are tagged 1 and 2 (trigrams) and 4 (all bigrams); their sum per line
    /// says which it holds. Null for other terms.
    /// </summary>
    private static string? ShortTermSql(GramQuery query)
    {
        if (query.Exact || query.Trigrams.Count is < 1 or > 2 || query.ShortTokens.Count < 2)
        {
            return null;
        }

        // Bigrams implied by trigram sets 1, 2 and 3 (both).
        var implied = new int[4];
        for (var set = 1; set < 4; set++)
        {
            implied[set] = query.ShortTokens.Count(token => Enumerable.Range(0, query.Trigrams.Count)
                .Any(t => (set & (1 << t)) != 0 && CandidateGrams.Bigrams(query.Trigrams[t]).Contains(token, StringComparer.Ordinal)));
        }

        var bigrams = query.ShortTokens.Count;
        var trigramRows = query.Trigrams.Select((_, t) => $"SELECT rowid AS id, {1 << t} AS tag FROM line_trigrams WHERE line_trigrams MATCH $t{t}");
        return $"""
            SELECT id, ((s & 1) + ((s >> 1) & 1)) + CASE WHEN s >= 4 THEN {bigrams} WHEN (s & 3) = 3 THEN {implied[3]} WHEN (s & 3) = 2 THEN {implied[2]} ELSE {implied[1]} END AS n
            FROM (SELECT id, sum(tag) AS s FROM ({string.Join(" UNION ALL ", trigramRows)}
                  UNION ALL SELECT rowid, 4 FROM line_grams WHERE line_grams MATCH $all) GROUP BY id)
            ORDER BY n DESC, id LIMIT $limit
            """;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, GramQuery query, int limit)
    {
        var command = SqliteSchema.Command(connection, transaction, sql);
        for (var i = 0; i < query.Trigrams.Count; i++)
        {
            command.Parameters.AddWithValue($"$t{i}", CandidateGrams.Phrase(query.Trigrams[i]));
        }

        for (var i = 0; i < query.ShortTokens.Count; i++)
        {
            command.Parameters.AddWithValue($"$s{i}", CandidateGrams.Phrase(query.ShortTokens[i]));
        }

        command.Parameters.AddWithValue("$all", string.Join(" AND ", query.ShortTokens.Select(CandidateGrams.Phrase)));
        command.Parameters.AddWithValue("$limit", limit);
        return command;
    }

    private static async Task<IReadOnlyList<LineCandidate>> ReadAsync(SqliteCommand command, GramQuery query, CancellationToken cancellationToken)
    {
        var candidates = new List<LineCandidate>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            candidates.Add(new LineCandidate(reader.GetInt64(0), reader.GetInt32(1), query.Count));
        }

        return candidates;
    }
}
