using Retrieval.Search.Store;

namespace Retrieval.Indexer.Commands;

/// <summary>Prints a store error (whose message says what to do) instead of a stack trace, and gives the exit code.</summary>
internal static class StoreErrors
{
    public static async Task<int> ReportAsync(string command, Func<Task<int>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IndexStoreException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"{command}: {e.Message}").ConfigureAwait(false);
            return e is ArgumentException ? 2 : 1;
        }
    }
}
