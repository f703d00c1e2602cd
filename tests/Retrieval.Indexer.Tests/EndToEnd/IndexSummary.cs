using System.Globalization;
using System.Text.RegularExpressions;

namespace Retrieval.Indexer.Tests.EndToEnd;

/// <summary>The counts of the summary line <c>retrieval index</c> prints at the end of a run.</summary>
internal sealed partial record IndexSummary(bool Interrupted, int Indexed, int Unchanged, int Failed, int Pruned)
{
    public static IndexSummary Parse(CliResult result)
    {
        var match = SummaryLine().Match(result.Stdout);
        if (!match.Success)
        {
            throw new FormatException($"No summary line in the output of retrieval index:\n{result}");
        }

        int N(string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        return new IndexSummary(match.Groups["state"].Value == "Interrupted", N("indexed"), N("unchanged"), N("failed"), N("pruned"));
    }

    [GeneratedRegex(@"^(?<state>Done|Interrupted) in [\d.]+ s: (?<indexed>\d+) indexed \(\d+ text lines\), (?<unchanged>\d+) unchanged, (?<failed>\d+) failed, (?<pruned>\d+) pruned;", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();
}
