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
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root;
    }
}
