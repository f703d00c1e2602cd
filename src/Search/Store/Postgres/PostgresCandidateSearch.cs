using System.Text;
using Npgsql;

namespace Retrieval.Search.Store.Postgres;

/// <summary>
/// Candidate lines for a query term, with the grams and ranking of <see cref="CandidateGrams"/> and
/// <see cref="SqliteCandidateSearch"/>, so both stores return the same lines in the same order.
/// The server does the n-gram work: each trigram of the term is a substring test
/// (<c>readings LIKE '%gram%'</c>) that the pg_trgm GIN index answers, and each short gram a member
/// test on the short-gram array's GIN index. pg_trgm's own similarity (<c>%&gt;</c>, word_similarity)
/// is not used for ranking because it folds case, pads words and drops punctuation, so it would
/// rank differently from the SQLite store; the count of shared grams is computed exactly instead.
/// <para>
/// Two steps: first the lines holding every gram (the index intersects the posting lists); when
/// there are at least <c>limit</c> of them they are the answer. Otherwise every line sharing any
/// gram is counted, which touches as many rows as the term's grams occur in.
/// </para>
/// </summary>
internal static class PostgresCandidateSearch
{
    public static async Task<IReadOnlyList<LineCandidate>> FindAsync(NpgsqlConnection connection, string term, int limit, CancellationToken cancellationToken)
    {
        var query = CandidateGrams.ForTerm(term);
        if (query.Count == 0 || limit == 0)
        {
            return [];
        }

        if (query.Exact)
        {
            await using var exact = PostgresSchema.Command(
                connection,
                null,
                "SELECT line_id, 1 FROM line_text WHERE short_grams @> ARRAY[$1::text] ORDER BY line_id LIMIT $2",
                query.ShortTokens[0],
                (long)limit);
            return await ReadAsync(exact, 1, cancellationToken).ConfigureAwait(false);
        }

        var patterns = query.Trigrams.Select(Pattern).ToArray();
        var shortTokens = query.ShortTokens.ToArray();
        await using (var all = AllGrams(connection, patterns, shortTokens, query.Count, limit))
        {
            var complete = await ReadAsync(all, query.Count, cancellationToken).ConfigureAwait(false);
            if (complete.Count >= limit)
            {
                return complete;
            }
        }

        await using var counted = AnyGram(connection, patterns, shortTokens, limit);
        return await ReadAsync(counted, query.Count, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A LIKE pattern matching the gram anywhere (backslash is LIKE's default escape).</summary>
    internal static string Pattern(string gram) =>
        "%" + gram.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    private static NpgsqlCommand AllGrams(NpgsqlConnection connection, string[] patterns, string[] shortTokens, int total, int limit)
    {
        // Materialized so the planner filters through the GIN indexes instead of walking the key
        // order until it finds `limit` matches, which for a rare term would read the whole table.
        var sql = new StringBuilder("WITH m AS MATERIALIZED (SELECT line_id FROM line_text WHERE ");
        var values = new List<object>();
        foreach (var pattern in patterns)
        {
            values.Add(pattern);
            sql.Append(values.Count > 1 ? " AND " : string.Empty).Append("readings LIKE $").Append(values.Count);
        }

        if (shortTokens.Length > 0)
        {
            values.Add(shortTokens);
            sql.Append(" AND short_grams @> $").Append(values.Count).Append("::text[]");
        }

        values.Add(total);
        values.Add((long)limit);
        sql.Append(") SELECT line_id, $").Append(values.Count - 1).Append(" FROM m ORDER BY line_id LIMIT $").Append(values.Count);
        return PostgresSchema.Command(connection, null, sql.ToString(), [.. values]);
    }

    private static NpgsqlCommand AnyGram(NpgsqlConnection connection, string[] patterns, string[] shortTokens, int limit)
    {
        var values = new List<object>();
        var count = new StringBuilder();
        foreach (var pattern in patterns)
        {
            values.Add(pattern);
            count.Append(values.Count > 1 ? " + " : string.Empty).Append("(readings LIKE $").Append(values.Count).Append(")::integer");
        }

        foreach (var token in shortTokens)
        {
            values.Add(token);
            count.Append(" + (short_grams @> ARRAY[$").Append(values.Count).Append("::text])::integer");
        }

        values.Add(patterns);
        var where = new StringBuilder("readings LIKE ANY ($").Append(values.Count).Append("::text[])");
        if (shortTokens.Length > 0)
        {
            values.Add(shortTokens);
            where.Append(" OR short_grams && $").Append(values.Count).Append("::text[]");
        }

        values.Add((long)limit);
        var sql = $"SELECT line_id, {count} AS n FROM line_text WHERE {where} ORDER BY n DESC, line_id LIMIT ${values.Count}";
        return PostgresSchema.Command(connection, null, sql, [.. values]);
    }

    private static async Task<IReadOnlyList<LineCandidate>> ReadAsync(NpgsqlCommand command, int total, CancellationToken cancellationToken)
    {
        var candidates = new List<LineCandidate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            candidates.Add(new LineCandidate(reader.GetInt64(0), reader.GetInt32(1), total));
        }

        return candidates;
    }
}
