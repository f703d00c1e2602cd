using System.Text.Json;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.EndToEnd;

[Collection(SearchCollectionGroup.Name)]
public sealed class SearchCommandTests(SearchCollection collection, ITestOutputHelper output)
{
    [Fact]
    public async Task A_word_search_ranks_its_image_first_with_a_match_box_on_the_rendered_word()
    {
        using var json = await SearchJsonAsync("meadow");

        var root = json.RootElement;
        Names(root).Should().Equal("query", "results", "error", "totalMatches", "milliseconds");
        root.GetProperty("query").GetString().Should().Be("meadow");
        root.GetProperty("error").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("totalMatches").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        root.GetProperty("milliseconds").GetDouble().Should().BeGreaterThan(0);

        var first = root.GetProperty("results").EnumerateArray().First();
        Names(first).Should().Equal("id", "path", "score", "matches", "video", "width", "height", "moments");
        first.GetProperty("path").GetString().Should().Be(collection.PathOf("meadow.jpg"));
        first.GetProperty("score").GetDouble().Should().BeInRange(0.8, 1.0);
        first.GetProperty("video").ValueKind.Should().Be(JsonValueKind.Null);
        first.GetProperty("width").GetInt32().Should().Be(WordImages.Width);
        first.GetProperty("height").GetInt32().Should().Be(WordImages.Height);

        var match = first.GetProperty("matches").EnumerateArray().First();
        Names(match).Should().Equal("text", "quad", "score", "query");
        match.GetProperty("text").GetString().Should().BeEquivalentTo("meadow");
        match.GetProperty("query").GetString().Should().Be("meadow");
        WordImages.Overlap(QuadOf(match), collection.Files["meadow.jpg"].Quad).Should().BeGreaterThan(0.6, "the match box is on the rendered word");
    }

    [Fact]
    public async Task A_phrase_query_ranks_the_image_with_the_phrase_above_one_with_only_a_word_of_it()
    {
        using var json = await SearchJsonAsync("\"golden gate\"");

        var paths = ResultPaths(json);
        paths.Should().NotBeEmpty();
        paths[0].Should().Be(collection.PathOf("golden-gate.png"));
        var scores = json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("score").GetDouble()).ToList();
        if (paths.Count > 1)
        {
            scores[1].Should().BeLessThan(scores[0], "an image with only \"gate\" matches the phrase less well");
        }
    }

    [Fact]
    public async Task A_part_of_a_longer_word_finds_it()
    {
        using var json = await SearchJsonAsync("RE16");

        ResultPaths(json)[0].Should().Be(collection.PathOf("plate.png"), "\"RE16\" is inside \"RE16TGK\"");
        var match = json.RootElement.GetProperty("results")[0].GetProperty("matches")[0];
        var box = QuadOf(match);
        var plate = collection.Files["plate.png"].Quad;
        WordImages.Overlap(box, plate).Should().BeGreaterThan(0.6);
        box.MaxX.Should().BeLessThan(plate.MaxX - ((plate.MaxX - plate.MinX) / 4), "the box covers the matched part, not the whole plate");
    }

    [Fact]
    public async Task Text_output_lists_the_ranked_paths_with_their_match_boxes()
    {
        var result = await CliProcess.RunAsync(["search", "harbor", "--index", collection.Index, "--top", "3"]);

        result.ExitCode.Should().Be(0, result.ToString());
        var lines = result.Stdout.Split('\n');
        lines[0].Should().MatchRegex(@"^""harbor"": \d+ images \(\d+\.\d ms\)$");
        lines[1].Should().MatchRegex(@"^\s+1\. \d\.\d{3}  .*harbor\.png$");
        lines[2].Should().MatchRegex(@"^\s+""harbor"" \d\.\d\d at \(\d+,\d+\)-\(\d+,\d+\)$");
    }

    [Fact]
    public async Task A_queries_file_prints_one_json_object_per_line_in_order_and_exits_1_when_one_fails()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("queries.txt");
        await File.WriteAllLinesAsync(file, ["harbor", "\"golden gate\"", string.Empty, "!!!", "lantern"]);

        var result = await CliProcess.RunAsync(["search", "--queries", file, "--index", collection.Index, "--top", "2"]);
        output.WriteLine(result.ToString());

        result.ExitCode.Should().Be(1, "one query could not be parsed");
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(4, "blank lines are skipped, every other query gets a line");
        var parsed = lines.Select(l => JsonDocument.Parse(l)).ToList();
        try
        {
            parsed.Select(p => p.RootElement.GetProperty("query").GetString()).Should().Equal("harbor", "\"golden gate\"", "!!!", "lantern");
            ResultPaths(parsed[0])[0].Should().Be(collection.PathOf("harbor.png"));
            ResultPaths(parsed[1])[0].Should().Be(collection.PathOf("golden-gate.png"));
            parsed[2].RootElement.GetProperty("error").GetString().Should().Contain("punctuation");
            parsed[2].RootElement.GetProperty("results").GetArrayLength().Should().Be(0);
            ResultPaths(parsed[3])[0].Should().Be(collection.PathOf("lantern.png"));
        }
        finally
        {
            parsed.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task Searching_a_folder_without_an_index_says_how_to_build_one()
    {
        using var folder = new TempFolder();

        var result = await CliProcess.RunAsync(["search", "harbor", "--index", folder.Combine("nothing-here")]);

        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().StartWith("retrieval search: No index at").And.Contain("retrieval index --index");
        result.Stderr.Should().NotContain("   at ");
    }

    [Fact]
    public async Task Invalid_options_exit_2_with_one_line_and_no_stack_trace()
    {
        var top = await CliProcess.RunAsync(["search", "harbor", "--index", collection.Index, "--top", "0"]);
        var parse = await CliProcess.RunAsync(["search", "harbor", "--index", collection.Index, "--top", "many"]);

        top.ExitCode.Should().Be(2, top.ToString());
        top.Stderr.Trim().Should().StartWith("retrieval search: top must be 1..10000").And.NotContain("\n");
        parse.ExitCode.Should().Be(2, "a command line that does not parse is exit code 2 (docs/CLI.md)");
        parse.Stderr.Should().Contain("many");
    }

    [Fact]
    public async Task Json_output_writes_non_ascii_text_as_itself()
    {
        var result = await CliProcess.RunAsync(["search", "café 咖啡", "--index", collection.Index, "--json"]);
        output.WriteLine(result.ToString());

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("\"query\": \"café 咖啡\"").And.NotContain("\\u");
        using var json = JsonDocument.Parse(result.Stdout);
        json.RootElement.GetProperty("query").GetString().Should().Be("café 咖啡");
    }

    [Fact]
    public async Task A_missing_word_list_stops_search_with_one_line_that_says_how_to_fetch_it()
    {
        using var emptyCache = new TempFolder();
        var result = await CliProcess.RunAsync(
            ["search", "harbor", "--index", collection.Index],
            launcher: ["env", $"RETRIEVAL_CACHE={emptyCache.Path}"]);
        output.WriteLine(result.ToString());

        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("lexicon-scowl-50").And.Contain("fetch-native-deps.sh").And.NotContain("   at ");
        result.Stdout.Should().BeEmpty();
    }

    private async Task<JsonDocument> SearchJsonAsync(string query)
    {
        var result = await CliProcess.RunAsync(["search", query, "--index", collection.Index, "--json"]);
        output.WriteLine(result.ToString());
        result.ExitCode.Should().Be(0, result.ToString());
        return JsonDocument.Parse(result.Stdout);
    }

    private static List<string?> ResultPaths(JsonDocument json) =>
        json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("path").GetString()).ToList();

    private static List<string> Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToList();

    private static Models.Geometry.Quad QuadOf(JsonElement match) =>
        WordImages.FromJson(match.GetProperty("quad").EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray());
}
