using Retrieval.Models.Text;
using Retrieval.Search.Store;
using Retrieval.TestSupport.Text;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.Store;

public sealed class SqliteCandidateOrderTests : IDisposable
{
    private const string Alphabet = "abcde";

    private readonly TempIndexDirectory directory = new();

    public void Dispose() => directory.Dispose();

    /// <summary>
    /// Lines of a 5-letter alphabet share grams with almost every term, so every tier is populated.
    /// Terms of 1 to 9 characters take each of the store's paths (one exact gram; known lines then
    /// bigram tiers; trigram tiers; counting), and every path must give the contract's answer,
    /// computed here by brute force over each line's readings: lines sharing most grams first, then by id.
    /// </summary>
    [Fact]
    public async Task Candidates_are_the_lines_sharing_most_grams_then_lowest_ids_whatever_the_limit()
    {
        var random = new Random(515);
        var texts = Enumerable.Range(0, 300).Select(_ => Word(random, random.Next(3, 9)) + (random.Next(3) == 0 ? " " + Word(random, 4) : string.Empty)).ToList();
        using var store = directory.Open();
        await store.WriteAsync(texts.Select((t, i) => Image($"/photos/{i:D3}.jpg", t)).ToList());
        // What the gram tables hold for a line: its text and the alternative readings of the lattice
        // as written (the stored one is quantized, and its alternatives can differ at the margin).
        var lines = new List<(long Id, IReadOnlyList<string> Readings)>();
        await foreach (var line in store.StreamLinesAsync())
        {
            lines.Add((line.Id, CandidateGrams.Readings(line.Text, LatticeAlternatives.DeriveTexts(LatticeBuilder.Clean(line.Text)))));
        }

        var terms = Enumerable.Range(0, 70).Select(i => Word(random, 1 + (i % 9))).Append("abab").Append("aaa").Append("aaab").Distinct().ToList();
        foreach (var term in terms)
        {
            foreach (var limit in new[] { 1, 5, 20, 100, 1000 })
            {
                var expected = Expected(term, lines, limit);

                var found = await store.CandidateLinesAsync(term, limit);

                found.Should().Equal(expected, $"'{term}' with limit {limit}");
            }
        }
    }

    private static List<LineCandidate> Expected(string term, List<(long Id, IReadOnlyList<string> Readings)> lines, int limit)
    {
        // Terms of 1 or 2 characters are one gram that must occur; longer ones their trigrams, and bigrams up to 4 characters.
        var trigrams = Enumerable.Range(0, Math.Max(0, term.Length - 2)).Select(i => term.Substring(i, 3)).Distinct().ToList();
        var bigrams = term.Length <= 2 ? [term] : term.Length <= 4 ? Enumerable.Range(0, term.Length - 1).Select(i => term.Substring(i, 2)).Distinct().ToList() : [];
        var total = trigrams.Count + bigrams.Count;
        return lines
            .Select(l => new LineCandidate(l.Id, trigrams.Concat(bigrams).Count(g => l.Readings.Any(r => r.Contains(g, StringComparison.Ordinal))), total))
            .Where(c => c.MatchedGrams > 0)
            .OrderByDescending(c => c.MatchedGrams)
            .ThenBy(c => c.LineId)
            .Take(limit)
            .ToList();
    }

    private static string Word(Random random, int length) => new(Enumerable.Range(0, length).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
}
