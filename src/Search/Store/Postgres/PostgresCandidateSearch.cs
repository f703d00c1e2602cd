using System.Globalization;
using System.Text;
using Npgsql;

namespace Retrieval.Search.Store.Postgres;

/// <summary>
/// Candidate lines for a query term, with the grams and ranking of <see cref="CandidateGrams"/> and
/// <see cref="SqliteCandidateSearch"/>, so both stores return the same lines in the same order. The
/// server does the n-gram work: each gram of the term is a substring test (<c>readings LIKE
/// '%gram%'</c>); the pg_trgm GIN index finds the lines for trigrams, and the GIN index of the
/// short-gram keys (<see cref="ShortKeys"/>) those for 1- and 2-character grams. pg_trgm's own similarity
/// (<c>%&gt;</c>, word_similarity) is not used to rank, because it folds case, pads words and drops
/// punctuation, so it would rank differently from the SQLite store; the number of shared grams is
/// counted exactly instead.
/// <para>
/// One statement, one round trip, two steps: the lines holding every gram (the indexes intersect
/// their posting lists) answer alone when there are at least <c>limit</c> of them; otherwise every
/// line sharing any gram is counted, which touches as many rows as the term's grams occur in.
/// </para>
/// </summary>
internal static class PostgresCandidateSearch
{
    /// <param name="similar">Prune by pg_trgm word similarity first (see <see cref="PostgresIndexOptions.WordSimilarityThreshold"/>).</param>
    public static async Task<IReadOnlyList<LineCandidate>> FindAsync(NpgsqlConnection connection, string term, int limit, bool similar, CancellationToken cancellationToken)
    {
        var query = CandidateGrams.ForTerm(term);
        if (query.Count == 0 || limit == 0)
        {
            return [];
        }

        var shortGrams = query.ShortTokens.Select(CodePoints).ToList();
        await using var command = query.Exact
            ? PostgresSchema.Command(
                connection,
                null,
                "SELECT line_id, 1 FROM line_text WHERE short_keys @> ARRAY[$1::integer] AND readings LIKE $2 ORDER BY line_id LIMIT $3",
                Key(shortGrams[0]),
                Pattern(Text(shortGrams[0])),
                (long)limit)
            : similar ? Similar(connection, term, query.Trigrams, shortGrams, limit) : Ranked(connection, query.Trigrams, shortGrams, limit);
        var candidates = new List<LineCandidate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            candidates.Add(new LineCandidate(reader.GetInt64(0), reader.GetInt32(1), query.Count));
        }

        return candidates;
    }

    /// <summary>A LIKE pattern matching the gram anywhere (backslash is LIKE's default escape).</summary>
    internal static string Pattern(string gram) =>
        "%" + gram.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>The key of a gram of one code point (the code point) or two (a negative hash of the pair).</summary>
    internal static int Key(int[] gram) => gram.Length == 1 ? gram[0] : PairKey(gram[0], gram[1]);

    /// <summary>
    /// The distinct keys of every 1- and 2-code-point gram of a readings document, whitespace and the
    /// reading separator included: a superset of the grams a query asks for, so no locale decides what
    /// is indexed.
    /// </summary>
    internal static int[] ShortKeys(string readings)
    {
        var keys = new HashSet<int>();
        var previous = -1;
        foreach (var rune in readings.EnumerateRunes())
        {
            keys.Add(rune.Value);
            if (previous >= 0)
            {
                keys.Add(PairKey(previous, rune.Value));
            }

            previous = rune.Value;
        }

        var sorted = keys.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    private static int PairKey(int first, int second) => -1 - (int)((((long)first * 1_114_112) + second) % 2_147_483_629);

    private static NpgsqlCommand Ranked(NpgsqlConnection connection, IReadOnlyList<string> trigrams, List<int[]> shortGrams, int limit)
    {
        var values = new List<object>();
        string Parameter(object value)
        {
            values.Add(value);
            return "$" + values.Count.ToString(CultureInfo.InvariantCulture);
        }

        var patterns = trigrams.Concat(shortGrams.Select(Text)).Select(g => Parameter(Pattern(g))).ToList();
        var keys = shortGrams.Count > 0 ? Parameter(shortGrams.Select(Key).ToArray()) : null;
        var trigramPatterns = Parameter(trigrams.Select(Pattern).ToArray());
        var total = Parameter(patterns.Count);
        var bound = Parameter((long)limit);

        var all = new StringBuilder(string.Join(" AND ", patterns.Select(p => $"readings LIKE {p}")));
        var any = new StringBuilder($"readings LIKE ANY ({trigramPatterns}::text[])");
        if (keys is not null)
        {
            all.Append(CultureInfo.InvariantCulture, $" AND short_keys @> {keys}::integer[]");
            any.Append(CultureInfo.InvariantCulture, $" OR short_keys && {keys}::integer[]");
        }

        // "matching" is materialized so the planner filters through the GIN indexes rather than
        // walking line ids until it has `limit` matches, which for a rare term reads the whole table.
        // The counting branch runs only when the complete matches fall short (a one-time filter).
        var sql = $"""
            WITH matching AS MATERIALIZED (SELECT line_id FROM line_text WHERE {all}),
            complete AS (SELECT line_id FROM matching ORDER BY line_id LIMIT {bound}),
            enough AS (SELECT count(*) >= {bound} AS yes FROM complete)
            SELECT line_id, {total}::integer AS n FROM complete WHERE (SELECT yes FROM enough)
            UNION ALL
            (SELECT line_id, n FROM (
                SELECT line_id, {string.Join(" + ", patterns.Select(p => $"(readings LIKE {p})::integer"))} AS n
                FROM line_text WHERE {any}) AS counted
             WHERE NOT (SELECT yes FROM enough)
             ORDER BY n DESC, line_id LIMIT {bound})
            ORDER BY n DESC, line_id
            """;
        return PostgresSchema.Command(connection, null, sql, [.. values]);
    }

    /// <summary>The lines the trigram index finds word-similar to the term (pg_trgm.word_similarity_threshold), ranked like <see cref="Ranked"/>.</summary>
    private static NpgsqlCommand Similar(NpgsqlConnection connection, string term, IReadOnlyList<string> trigrams, List<int[]> shortGrams, int limit)
    {
        var patterns = trigrams.Concat(shortGrams.Select(Text)).Select(Pattern).ToList();
        var count = string.Join(" + ", patterns.Select((_, i) => $"(readings LIKE ${(i + 3).ToString(CultureInfo.InvariantCulture)})::integer"));
        var sql = $"SELECT line_id, {count} AS n FROM line_text WHERE readings %> $1 ORDER BY n DESC, line_id LIMIT $2";
        return PostgresSchema.Command(connection, null, sql, [term, (long)limit, .. patterns]);
    }

    /// <summary>The code points of a short-gram token ("x6fx66" is "of", see <see cref="CandidateGrams.Token"/>).</summary>
    private static int[] CodePoints(string token) =>
        token.Split('x', StringSplitOptions.RemoveEmptyEntries).Select(h => int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

    private static string Text(int[] codePoints) => string.Concat(codePoints.Select(c => new Rune(c).ToString()));
}
