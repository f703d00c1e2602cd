namespace Retrieval.Search.Evaluation;

/// <summary>How the runner should put a benchmark query to the searcher.</summary>
public enum BenchmarkQueryKind
{
    /// <summary>One ground-truth transcription, normalized; search it as a word (it may hold a space when the annotator boxed two words as one).</summary>
    Word,

    /// <summary>Several ground-truth words adjacent in reading order, joined by single spaces; search them as a phrase.</summary>
    Phrase,

    /// <summary>Text a person wrote (TSV benchmark); hand it to the query parser as it is.</summary>
    Text,
}

/// <summary>One benchmark query and the gallery images that answer it (absolute paths, members of the gallery).</summary>
public sealed record BenchmarkQuery(string Text, IReadOnlySet<string> RelevantImages)
{
    public BenchmarkQueryKind Kind { get; init; } = BenchmarkQueryKind.Word;
}

/// <summary>
/// A retrieval benchmark made ready to run: the gallery to index and the queries with their relevant
/// images. Every adapter in <see cref="Datasets"/> produces one; the metrics and the report consume it.
/// Paths are absolute and compared ordinally, so a relevant image is found exactly when the searcher
/// returns the same path it indexed.
/// </summary>
public sealed record BenchmarkDataset(string Name, IReadOnlyList<string> GalleryImages, IReadOnlyList<BenchmarkQuery> Queries)
{
    /// <summary>Things the adapter noticed and carried on with (image files whose extension lies about their content, images without ground truth): shown in the report.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// Checks the invariants the metrics rely on: absolute, unique gallery paths; unique, non-empty
    /// query texts; every query has at least one relevant image and all of them are in the gallery.
    /// </summary>
    public void Validate()
    {
        if (GalleryImages.Count == 0)
        {
            throw new DatasetFormatException($"Benchmark '{Name}' has an empty gallery: check the images folder.");
        }

        var gallery = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in GalleryImages)
        {
            if (!Path.IsPathFullyQualified(image))
            {
                throw new DatasetFormatException($"Benchmark '{Name}': gallery path '{image}' is not absolute.");
            }

            if (!gallery.Add(image))
            {
                throw new DatasetFormatException($"Benchmark '{Name}': gallery image '{image}' is listed twice.");
            }
        }

        if (Queries.Count == 0)
        {
            throw new DatasetFormatException($"Benchmark '{Name}' has no queries: check the ground truth.");
        }

        var texts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var query in Queries)
        {
            if (string.IsNullOrWhiteSpace(query.Text))
            {
                throw new DatasetFormatException($"Benchmark '{Name}' has an empty query.");
            }

            if (!texts.Add(query.Text))
            {
                throw new DatasetFormatException($"Benchmark '{Name}': query '{query.Text}' appears twice; merge its relevant images into one query.");
            }

            if (query.RelevantImages.Count == 0)
            {
                throw new DatasetFormatException($"Benchmark '{Name}': query '{query.Text}' has no relevant image, so its average precision is undefined.");
            }

            foreach (var image in query.RelevantImages)
            {
                if (!gallery.Contains(image))
                {
                    throw new DatasetFormatException($"Benchmark '{Name}': query '{query.Text}' names relevant image '{image}', which is not in the gallery.");
                }
            }
        }
    }
}
