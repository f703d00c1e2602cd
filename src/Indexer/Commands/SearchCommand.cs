using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Retrieval.Indexer.Cli;
using Retrieval.Indexer.Output;
using Retrieval.Search;
using Retrieval.Search.Query;
using Retrieval.Search.Scoring;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Indexer.Commands;

/// <summary><c>retrieval search "QUERY" [--index DIR] [--top K] [--json]</c>, or many queries with <c>--queries FILE</c> (JSON Lines).</summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var query = new Argument<string?>("query") { Description = "Words and \"quoted phrases\"; case-insensitive.", Arity = ArgumentArity.ZeroOrOne };
        var index = CommonOptions.Index();
        var store = CommonOptions.Store();
        var top = new Option<int>("--top") { Description = "Number of results.", DefaultValueFactory = _ => 10 };
        var offset = new Option<int>("--offset") { Description = "Results to skip (paging).", DefaultValueFactory = _ => 0 };
        var json = CommonOptions.Json();
        var queries = new Option<string?>("--queries") { Description = "A file with one query per line; prints one JSON object per line (JSON Lines)." };
        var exhaustive = new Option<bool>("--exhaustive") { Description = "Score every line instead of n-gram candidates (slow; for measurements)." };
        var similarity = CommonOptions.WordSimilarity();
        var fusion = FusionCommandOptions.Create();
        var command = new Command("search", "Search the index for images that show words or phrases.") { query, index, store, top, offset, json, queries, exhaustive, similarity };
        fusion.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(query),
            parse.GetValue(queries),
            parse.GetValue(store) ?? parse.GetRequiredValue(index),
            parse.GetValue(similarity),
            new SearchOptions { Top = parse.GetValue(top), Offset = parse.GetValue(offset), Exhaustive = parse.GetValue(exhaustive), Fusion = fusion.Read(parse) },
            parse.GetValue(json),
            ct));
        return command;
    }

    /// <summary>
    /// The index's CLIP channel when fusion is on and the index has one (a registered model and its embeddings); else null.
    /// <paramref name="follow"/> (a server) keeps it following the index (<see cref="ClipChannelOptions.Follow"/>).
    /// </summary>
    public static async Task<ClipChannel?> OpenClipAsync(IIndexStore store, FusionOptions fusion, CancellationToken cancellationToken, ILogger? logger = null, bool follow = false) =>
        fusion.Method == FusionMethod.Off ? null : await ClipChannel.OpenAsync(store, new ClipChannelOptions { Follow = follow }, logger, cancellationToken).ConfigureAwait(false);

    private static async Task<int> RunAsync(string? query, string? queriesFile, string location, double? wordSimilarity, SearchOptions options, bool json, CancellationToken cancellationToken)
    {
        if ((query is null) == (queriesFile is null))
        {
            Console.Error.WriteLine("retrieval search: give either a query or --queries FILE.");
            return CommandFailures.Usage;
        }

        options.Validate();
        var parsed = IndexStoreLocation.Parse(location);
        if (wordSimilarity is not null && parsed.Kind != IndexStoreKind.Postgres)
        {
            Console.Error.WriteLine("retrieval search: --word-similarity needs a PostgreSQL --store (postgres://...); a SQLite index always uses exact candidates.");
            return CommandFailures.Usage;
        }

        await using var store = await IndexStoreFactory.OpenAsync(parsed, readOnly: true, rebuild: false, p => p with { WordSimilarityThreshold = wordSimilarity }, cancellationToken).ConfigureAwait(false);
        using var logging = ConsoleLogging.Create(quiet: true);
        using var clip = await OpenClipAsync(store, options.Fusion, cancellationToken, logging.CreateLogger("Retrieval.Search.Vectors")).ConfigureAwait(false);
        var searcher = Searcher.Create(store, clip);
        if (queriesFile is not null)
        {
            var failures = 0;
            foreach (var line in await File.ReadAllLinesAsync(queriesFile, cancellationToken).ConfigureAwait(false))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var result = await SearchOneAsync(searcher, line, options, cancellationToken).ConfigureAwait(false);
                failures += result.Error is null ? 0 : 1;
                Console.Out.WriteLine(JsonSerializer.Serialize(result, Compact));
            }

            return failures > 0 ? 1 : 0;
        }

        // A QueryException (empty, only punctuation, too long) is a usage error: CommandFailures prints it and exits 2.
        var response = await searcher.SearchAsync(query!, options, cancellationToken).ConfigureAwait(false);
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(SearchOutput.ToJson(query!, response), Indented));
        }
        else
        {
            SearchOutput.WriteText(Console.Out, query!, response);
        }

        return 0;
    }

    private static async Task<SearchJson> SearchOneAsync(Searcher searcher, string query, SearchOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return SearchOutput.ToJson(query, await searcher.SearchAsync(query, options, cancellationToken).ConfigureAwait(false));
        }
        catch (QueryException e)
        {
            return new SearchJson(query, [], e.Message);
        }
    }

    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<SearchJson> Indented =
        new SearchJsonContext(CliJson.Readable(SearchJsonContext.Default.Options, indented: true)).SearchJson;

    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<SearchJson> Compact =
        new SearchJsonContext(CliJson.Readable(SearchJsonContext.Default.Options, indented: false)).SearchJson;
}
