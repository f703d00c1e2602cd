using Retrieval.Search.Tests.PostgresWhenInstalled;
using Retrieval.Search.Tests.Store;

namespace Retrieval.Search.Tests;

/// <summary>
/// Entry point of the test assembly when run as a program (`dotnet Retrieval.Search.Tests.dll VERB ...`):
/// crash tests start it as a child process they can kill. The test runner never calls it.
/// </summary>
public static class TestProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == StoreWriterChild.Verb)
        {
            await StoreWriterChild.RunAsync(args[1]);
            return 0;
        }

        if (args.Length == 5 && args[0] == WorkerChild.Verb)
        {
            await WorkerChild.RunAsync(args);
            return 0;
        }

        await Console.Error.WriteLineAsync($"Usage: {StoreWriterChild.Verb} INDEX_DIR | {WorkerChild.Verb} CONNECTION WORKER_ID LEASE_SECONDS WORK_MS");
        return 2;
    }
}
