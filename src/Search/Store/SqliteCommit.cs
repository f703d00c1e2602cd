using Microsoft.Data.Sqlite;

namespace Retrieval.Search.Store;

/// <summary>
/// Commits a transaction so that a failed COMMIT reports its own error. When COMMIT fails on a full
/// disk or an I/O error, SQLite has already rolled the transaction back, but Microsoft.Data.Sqlite
/// does not notice: its ROLLBACK on dispose then fails with "cannot rollback - no transaction is
/// active", which hides the real error, and the connection stays bound to a transaction it thinks is
/// open, so every later write fails too. Beginning an empty transaction gives that ROLLBACK something
/// to end, and the original error propagates.
/// </summary>
internal static class SqliteCommit
{
    public static void Commit(SqliteTransaction transaction)
    {
        var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has already completed.");
        try
        {
            transaction.Commit();
        }
        catch (SqliteException) when (SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0)
        {
            SqliteSchema.Execute(connection, transaction, "BEGIN");
            throw;
        }
    }
}
