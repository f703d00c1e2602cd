namespace Retrieval.Indexer;

/// <summary>Placeholder entry point until the commands land.</summary>
internal static class Cli
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("retrieval: no commands yet");
        return args.Length == 0 ? 2 : 2;
    }
}
