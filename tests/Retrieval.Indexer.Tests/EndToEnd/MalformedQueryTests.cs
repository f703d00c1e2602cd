using System.Text.Json;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>Whatever a user types as a query, <c>retrieval search</c> answers with results or a clear error (exit 2), never a crash.</summary>
[Collection(SearchCollectionGroup.Name)]
public sealed class MalformedQueryTests(SearchCollection collection, ITestOutputHelper output)
{
    public static TheoryData<string, string> Queries() => new()
    {
        { "empty", string.Empty },
        { "blank", "   \t " },
        { "only punctuation", "?!.,;:-" },
        { "empty quotes", "\"\"" },
        { "10 KB long", string.Concat(Enumerable.Repeat("harbor ", 1500)) },
        { "unbalanced quote", "\"golden gate" },
        { "quote inside a word", "gol\"den" },
        { "control characters", "har\u0001bor\u0007\u001b[2J" },
        { "a lone surrogate half", "harbor\ud800" },
        { "emoji and symbols", "🚪 → ©" },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task A_malformed_query_gets_a_clear_error_or_a_sensible_result(string kind, string query)
    {
        var result = await CliProcess.RunAsync(["search", query, "--index", collection.Index, "--json"]);
        output.WriteLine($"{kind}: {result}");

        result.ExitCode.Should().BeOneOf([0, 2], result.ToString());
        result.Stderr.Should().NotContain("Unhandled").And.NotContain("   at ", "never a stack trace");
        if (result.ExitCode == 2)
        {
            result.Stdout.Should().BeEmpty();
            result.Stderr.Trim().Should().StartWith("retrieval search: ").And.NotContain("\n", "one line that says what is wrong");
            result.Stderr.Length.Should().BeLessThan(400, "the message does not echo a huge query");
        }
        else
        {
            using var json = JsonDocument.Parse(result.Stdout);
            json.RootElement.GetProperty("error").ValueKind.Should().Be(JsonValueKind.Null);
            json.RootElement.GetProperty("results").ValueKind.Should().Be(JsonValueKind.Array);
        }
    }

    [Fact]
    public async Task Empty_punctuation_and_overlong_queries_are_usage_errors_that_say_what_to_type()
    {
        var empty = await CliProcess.RunAsync(["search", string.Empty, "--index", collection.Index]);
        var punctuation = await CliProcess.RunAsync(["search", "!!!", "--index", collection.Index]);
        var longQuery = await CliProcess.RunAsync(["search", new string('a', 10_240), "--index", collection.Index]);

        empty.ExitCode.Should().Be(2, empty.ToString());
        empty.Stderr.Should().Contain("empty");
        punctuation.ExitCode.Should().Be(2, punctuation.ToString());
        punctuation.Stderr.Should().Contain("punctuation");
        longQuery.ExitCode.Should().Be(2, longQuery.ToString());
        longQuery.Stderr.Should().Contain("10,240 characters").And.Contain("limit");
    }

    [Fact]
    public async Task No_query_and_no_queries_file_is_a_usage_error()
    {
        var result = await CliProcess.RunAsync(["search", "--index", collection.Index]);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain("give either a query or --queries FILE");
    }
}
