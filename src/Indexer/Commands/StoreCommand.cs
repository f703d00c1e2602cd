using System.CommandLine;
using Retrieval.Indexer.Cli;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;

namespace Retrieval.Indexer.Commands;

/// <summary><c>retrieval store migrate --store postgres://...</c>: bring a PostgreSQL index to this build's schema.</summary>
internal static class StoreCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        store.Required = true;
        var migrate = new Command("migrate", "Create or upgrade the schema of a PostgreSQL index (stop the indexer workers first). A SQLite index needs no migration.") { store };
        migrate.SetAction((parse, ct) => MigrateAsync(parse.GetRequiredValue(store)!, ct));
        return new Command("store", "Manage the index store.") { migrate };
    }

    private static async Task<int> MigrateAsync(string location, CancellationToken cancellationToken)
    {
        var parsed = IndexStoreLocation.Parse(location);
        if (parsed.Kind != IndexStoreKind.Postgres)
        {
            await Console.Error.WriteLineAsync($"store migrate: {parsed.Display} is a SQLite index directory; only PostgreSQL indexes are migrated (SQLite indexes of another version are rebuilt with `{IndexStoreException.RebuildCommand}`).").ConfigureAwait(false);
            return 2;
        }

        var result = await PostgresMigrations.ApplyAsync(parsed.Value, cancellationToken).ConfigureAwait(false);
        await Console.Out.WriteLineAsync(result.Changed
            ? $"Migrated {result.Location} from schema version {result.FromVersion} to {result.ToVersion}."
            : $"{result.Location} is already at schema version {result.ToVersion}.").ConfigureAwait(false);
        return 0;
    }
}
