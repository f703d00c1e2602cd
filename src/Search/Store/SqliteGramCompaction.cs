using Microsoft.Data.Sqlite;

namespace Retrieval.Search.Store;

/// <summary>
/// Keeps the two FTS5 gram tables of candidate lookup (<see cref="SqliteCandidateSearch"/>) in one
/// b-tree segment each. Every write transaction adds a segment and FTS5's automerge only bounds
/// their number (a few per level, levels growing with the log of the index), while a lookup reads
/// every segment: the 1000-image dev index, written in 63 batches, held 14 trigram and 10 short-gram
/// segments, and merging each table into one made candidate lookups about twice as fast with the
/// same answers. Merging rewrites the whole table (FTS5 'optimize'), so it belongs at the end of a
/// bulk run, not after each batch; it also drops the tombstones deleted lines leave behind.
/// </summary>
internal static class SqliteGramCompaction
{
    private static readonly string[] Tables = ["line_trigrams", "line_grams"];

    /// <summary>Segments of each gram table (its %_idx table keys leaf pages by segment).</summary>
    public static IReadOnlyDictionary<string, int> Segments(SqliteConnection connection, SqliteTransaction? transaction) =>
        Tables.ToDictionary(t => t, t => SqliteSchema.Scalar<int>(connection, transaction, $"SELECT count(DISTINCT segid) FROM {t}_idx"), StringComparer.Ordinal);

    /// <summary>Merges every gram table of more than one segment into one, in one transaction; returns how many tables it merged.</summary>
    public static int Compact(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var merged = 0;
        foreach (var (table, segments) in Segments(connection, transaction))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (segments > 1)
            {
                SqliteSchema.Execute(connection, transaction, $"INSERT INTO {table}({table}) VALUES('optimize')");
                merged++;
            }
        }

        transaction.Commit();
        return merged;
    }
}
