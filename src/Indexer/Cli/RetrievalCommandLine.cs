using System.CommandLine;
using Retrieval.Indexer.Commands;

namespace Retrieval.Indexer.Cli;

/// <summary>Builds the command tree of <c>retrieval</c>.</summary>
public static class RetrievalCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Scene-text retrieval: read the text in images and videos, index it, and search it by word or phrase.");
        root.Subcommands.Add(ReadCommand.Create());
        root.Subcommands.Add(IndexCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(StoreCommand.Create());
        root.Subcommands.Add(WatchCommand.Create());
        root.Subcommands.Add(SearchCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        CommandFailures.Guard(root);
        return root;
    }

    /// <summary>Parses and runs a command line; a command line that does not parse exits with 2 (docs/CLI.md), not System.CommandLine's 1.</summary>
    public static async Task<int> InvokeAsync(string[] args)
    {
        var parse = Create().Parse(args);
        var code = await parse.InvokeAsync().ConfigureAwait(false);
        return parse.Errors.Count > 0 ? CommandFailures.Usage : code;
    }
}
