using System.Text;
using Microsoft.Data.Sqlite;

namespace Retrieval.Search.Store;

/// <summary>
/// Candidate lines for a query term from the two FTS5 gram tables (see <see cref="CandidateGrams"/>):
/// the lines sharing most of the term's grams, then the lowest ids.
/// <para>
/// Counting shared grams per line reads every line of every gram. For trigrams that is cheap
/// enough, but a bigram is in a good part of all lines of a large index. So terms of 3 and 4
/// characters, which count their bigrams, are answered tier by tier instead: first the lines
/// holding a trigram or all bigrams, whose counts are exact (<see cref="KnownSql"/>), then those
/// holding j of the bigrams, each tier one FTS5 boolean query (an OR of ANDs) read in id order only
/// as far as the limit needs (FTS5 intersects and merges its posting lists lazily). The answer is
/// the one counting gives. Other terms are counted: on a synthetic index of 1,000,000 lines
/// (tools/Bench query-latency, medians on a loaded 2-core machine) counting took 3 ms for terms
/// of 5 to 8 characters where trigram tiers took 7 ms (a tier of j of 6 trigrams is an OR of up to
/// 20 ANDs, each reading its posting lists again), and 32 ms for terms of 3 and 4 characters where
/// the bigram tiers take 11 ms.
/// </para>
/// </summary>
internal static class SqliteCandidateSearch
{
    private const string ExactSql = "SELECT rowid, 1 FROM line_grams WHERE line_grams MATCH $s0 ORDER BY rowid LIMIT $limit";

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
        if (!IsShortTerm(query))
        {
            using var command = Command(connection, transaction, query.Exact ? ExactSql : CountingSql(query), query, limit);
            return await ReadAsync(command, query, cancellationToken).ConfigureAwait(false);
        }

        var found = new List<LineCandidate>();
        using (var known = Command(connection, transaction, KnownSql(query), query, limit))
        {
            found.AddRange(await ReadAsync(known, query, cancellationToken).ConfigureAwait(false));
        }

        var assigned = found.Select(c => c.LineId).ToHashSet();
        for (var shared = query.ShortTokens.Count - 1; shared >= 1 && found.Count < limit; shared--)
        {
            // Lines of higher tiers match this tier's query too; at most all of them come before the lines needed.
            using var command = SqliteSchema.Command(connection, transaction, "SELECT rowid FROM line_grams WHERE line_grams MATCH $match ORDER BY rowid LIMIT $take");
            command.Parameters.AddWithValue("$match", AnyOf(query.ShortTokens, shared));
            command.Parameters.AddWithValue("$take", limit - found.Count + assigned.Count);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (found.Count < limit && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetInt64(0);
                if (assigned.Add(id))
                {
                    found.Add(new LineCandidate(id, shared, query.Count));
                }
            }
        }

        return found;
    }

    /// <summary>3 or 4 characters: 1 or 2 trigrams and at least 2 distinct bigrams.</summary>
    private static bool IsShortTerm(GramQuery query) =>
        !query.Exact && query.Trigrams.Count is 1 or 2 && query.ShortTokens.Count >= 2;

    /// <summary>Every line sharing a gram, with the number it shares: one lookup per gram, counted together.</summary>
    private static string CountingSql(GramQuery query)
    {
        var sql = new StringBuilder("SELECT id, count(*) AS n FROM (");
        var parts = query.Trigrams.Select((_, i) => $"SELECT rowid AS id FROM line_trigrams WHERE line_trigrams MATCH $t{i}")
            .Concat(query.ShortTokens.Select((_, i) => $"SELECT rowid AS id FROM line_grams WHERE line_grams MATCH $s{i}"));
        return sql.AppendJoin(" UNION ALL ", parts).Append(") GROUP BY id ORDER BY n DESC, id LIMIT $limit").ToString();
    }

    /// <summary>
    /// For a short term: the lines holding a trigram ($t0, $t1) or all bigrams ($all), with their
    /// exact gram counts, most first. A trigram's two bigrams are in any reading holding it, so with
    /// one trigram a line holds all but at most one bigram, and holds that one exactly when it holds
    /// all of them. Each line found shares at least as many grams as there are bigrams; every other
    /// line fewer. Rows are tagged 1 and 2 (trigrams) and 4 (all bigrams); the sum per line says
    /// which it holds.
    /// </summary>
    private static string KnownSql(GramQuery query)
    {
        // Bigrams implied by trigram sets 1, 2 and 3 (both).
        var implied = new int[4];
        for (var set = 1; set < 4; set++)
        {
            implied[set] = query.ShortTokens.Count(token => Enumerable.Range(0, query.Trigrams.Count)
                .Any(t => (set & (1 << t)) != 0 && CandidateGrams.Bigrams(query.Trigrams[t]).Contains(token, StringComparer.Ordinal)));
        }

        var trigramRows = query.Trigrams.Select((_, t) => $"SELECT rowid AS id, {1 << t} AS tag FROM line_trigrams WHERE line_trigrams MATCH $t{t}");
        return $"""
            SELECT id, ((s & 1) + ((s >> 1) & 1)) + CASE WHEN s >= 4 THEN {query.ShortTokens.Count} WHEN (s & 3) = 3 THEN {implied[3]} WHEN (s & 3) = 2 THEN {implied[2]} ELSE {implied[1]} END AS n
            FROM (SELECT id, sum(tag) AS s FROM ({string.Join(" UNION ALL ", trigramRows)}
                  UNION ALL SELECT rowid, 4 FROM line_grams WHERE line_grams MATCH $all) GROUP BY id)
            ORDER BY n DESC, id LIMIT $limit
            """;
    }

    /// <summary>An FTS5 query for lines holding at least <paramref name="count"/> of <paramref name="grams"/>: an OR of ANDs.</summary>
    private static string AnyOf(IReadOnlyList<string> grams, int count)
    {
        var groups = new List<string>();
        void Choose(int start, List<string> chosen)
        {
            if (chosen.Count == count)
            {
                groups.Add("(" + string.Join(" AND ", chosen.Select(CandidateGrams.Phrase)) + ")");
                return;
            }

            for (var i = start; i <= grams.Count - (count - chosen.Count); i++)
            {
                chosen.Add(grams[i]);
                Choose(i + 1, chosen);
                chosen.RemoveAt(chosen.Count - 1);
            }
        }

        Choose(0, []);
        return string.Join(" OR ", groups);
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
