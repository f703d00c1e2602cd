using System.CommandLine;
using Retrieval.Indexer.Demo;
using Retrieval.Indexer.Output;
using Retrieval.Indexer.Pipeline;
using Retrieval.Search;
using Retrieval.Search.Store;

namespace Retrieval.Indexer.Commands;

/// <summary>
/// <c>retrieval demo</c>: the README's first command. Renders the bundled sample collection, indexes
/// it, and runs a few searches (an exact word, a phrase, a partial plate number, a misspelling).
/// </summary>
internal static class DemoCommand
{
    public static readonly string[] Queries = ["coffee", "exit", "\"hotel and spa\"", "RE16", "pharmacy", "libary", "\"central station\""];

    public static Command Create()
    {
        var folder = new Option<string>("--folder") { Description = "Where the sample images and their index go.", DefaultValueFactory = _ => Path.Combine("index-data", "demo") };
        var command = new Command("demo", "Index a generated sample collection and run a few searches on it.") { folder };
        command.SetAction((parse, ct) => RunAsync(parse.GetRequiredValue(folder), ct));
        return command;
    }

    private static async Task<int> RunAsync(string folder, CancellationToken cancellationToken)
    {
        var samples = Path.Combine(folder, "samples");
        var index = Path.Combine(folder, "index");
        var files = SampleCollection.Write(samples);
        Console.Out.WriteLine($"Sample collection: {files.Count} images in {samples}");
        var code = await IndexCommand.RunAsync([samples], index, new IndexingOptions { Prune = true }, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            return code;
        }

        await using var store = SqliteIndexStore.Open(new SqliteIndexOptions { Directory = index, ReadOnly = true });
        var searcher = Searcher.Create(store);
        foreach (var query in Queries)
        {
            Console.Out.WriteLine();
            var response = await searcher.SearchAsync(query, SearchOptions.Default with { Top = 3 }, cancellationToken).ConfigureAwait(false);
            SearchOutput.WriteText(Console.Out, query, response);
        }

        Console.Out.WriteLine();
        Console.Out.WriteLine($"Try your own: dotnet run --project src/Indexer -c Release -- search \"WORD\" --index {index}");
        return 0;
    }
}
