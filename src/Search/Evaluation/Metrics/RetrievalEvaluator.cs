namespace Retrieval.Search.Evaluation.Metrics;

/// <summary>
/// Scores the searcher's answers to a benchmark's queries. Results are matched to the gallery by full
/// path; duplicates of an image (several matching regions) keep only the first, best-ranked one.
/// A result outside the gallery is an error: the index must be built from exactly the gallery, or the
/// metrics would silently measure another collection.
/// </summary>
public sealed class RetrievalEvaluator
{
    private readonly HashSet<string> _gallery;

    public RetrievalEvaluator(BenchmarkDataset dataset, int topResultsKept = 10)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegative(topResultsKept);
        Dataset = dataset;
        TopResultsKept = topResultsKept;
        _gallery = dataset.GalleryImages.ToHashSet(StringComparer.Ordinal);
    }

    public BenchmarkDataset Dataset { get; }

    /// <summary>How many results per query <see cref="QueryEvaluation.TopResults"/> keeps for the report.</summary>
    public int TopResultsKept { get; }

    /// <param name="query">One of the dataset's queries.</param>
    /// <param name="results">What the searcher returned, best first (scores non-increasing).</param>
    public QueryEvaluation Evaluate(BenchmarkQuery query, IEnumerable<RankedResult> results)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(results);
        var ranking = Deduplicate(query, results);
        var (ap, curve) = AveragePrecision.Compute(ranking, r => query.RelevantImages.Contains(r.Image), query.RelevantImages.Count, _gallery.Count);
        var relevantFlags = ranking.Select(r => query.RelevantImages.Contains(r.Image)).ToList();
        var firstRelevant = relevantFlags.IndexOf(true);
        var found = relevantFlags.Count(f => f);
        var returned = ranking.Select(r => r.Image).ToHashSet(StringComparer.Ordinal);
        return new QueryEvaluation(
            query.Text,
            query.Kind,
            ap,
            firstRelevant >= 0 ? firstRelevant + 1 : null,
            query.RelevantImages.Count,
            found,
            ranking.Count,
            relevantFlags.Take(1).Count(f => f),
            relevantFlags.Take(10).Count(f => f) / 10.0,
            (double)relevantFlags.Take(100).Count(f => f) / query.RelevantImages.Count)
        {
            TopResults = ranking.Take(TopResultsKept)
                .Select((r, i) => new EvaluatedResult(i + 1, r.Image, r.Score, relevantFlags[i], r.Boxes))
                .ToList(),
            MissedRelevant = query.RelevantImages.Where(i => !returned.Contains(i)).Order(StringComparer.Ordinal).ToList(),
            Curve = curve,
        };
    }

    private List<RankedResult> Deduplicate(BenchmarkQuery query, IEnumerable<RankedResult> results)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ranking = new List<RankedResult>();
        var previous = double.PositiveInfinity;
        foreach (var result in results)
        {
            if (double.IsNaN(result.Score))
            {
                throw new ArgumentException($"Query '{query.Text}': result {result.Image} has a NaN score.", nameof(results));
            }

            if (result.Score > previous)
            {
                throw new ArgumentException($"Query '{query.Text}': results must be sorted by descending score; {result.Image} scores {result.Score} after {previous}.", nameof(results));
            }

            previous = result.Score;
            var path = Path.GetFullPath(result.Image);
            if (!_gallery.Contains(path))
            {
                throw new ArgumentException($"Query '{query.Text}': the searcher returned {path}, which is not in the '{Dataset.Name}' gallery; evaluate against an index built from exactly the gallery.", nameof(results));
            }

            if (seen.Add(path))
            {
                ranking.Add(path == result.Image ? result : result with { Image = path });
            }
        }

        return ranking;
    }
}
