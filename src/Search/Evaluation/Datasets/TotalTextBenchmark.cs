namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>Options of the Total-Text benchmark (<c>retrieval eval totaltext --gt DIR --images DIR</c>).</summary>
public sealed record TotalTextOptions(string GroundTruthDirectory, string ImagesDirectory)
{
    /// <summary><see cref="WordQuerySet.TopWords"/> or <see cref="WordQuerySet.AllWords"/>; phrases are defined for ICDAR2015 only (curved lines have no simple reading order).</summary>
    public WordQuerySet QuerySet { get; init; } = WordQuerySet.TopWords;

    /// <summary>How many words <see cref="WordQuerySet.TopWords"/> keeps (60 in MSTAR).</summary>
    public int TopCount { get; init; } = 60;

    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(GroundTruthDirectory))
        {
            errors.Add("--gt is required: the folder of Total-Text ground-truth files.");
        }

        if (string.IsNullOrWhiteSpace(ImagesDirectory))
        {
            errors.Add("--images is required: the folder of the split's images.");
        }

        if (QuerySet == WordQuerySet.Phrases)
        {
            errors.Add("Total-Text has no phrase query set; use top words or all words.");
        }

        if (TopCount < 1)
        {
            errors.Add($"The top-word count must be at least 1 (got {TopCount}).");
        }

        if (errors.Count > 0)
        {
            throw new DatasetFormatException(string.Join(" ", errors));
        }
    }
}

/// <summary>
/// Total-Text as a retrieval benchmark, as MSTAR (2025) defines it: every annotated image of the split
/// is in the gallery; queries are the normalized words (<see cref="WordNormalization.Mstar"/>, three or
/// more characters), the 60 found in the most images, or all of them.
/// </summary>
public static class TotalTextBenchmark
{
    public static BenchmarkDataset Load(TotalTextOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var annotations = TotalTextGroundTruth.ReadDirectory(options.GroundTruthDirectory, cancellationToken);
        var folder = ImageFolder.Open(options.ImagesDirectory, "--images");
        var paths = GalleryResolution.Resolve(annotations.Select(a => a.ImageName), folder.Find, $"--images {folder.Directory}");
        var derived = DeriveQueries(annotations, options);
        var dataset = new BenchmarkDataset(
            options.QuerySet == WordQuerySet.TopWords ? $"totaltext-top{options.TopCount}" : "totaltext-all-words",
            paths.Values.Order(StringComparer.Ordinal).ToList(),
            GalleryResolution.ToQueries(derived, paths))
        {
            Warnings = GalleryResolution.Unannotated(folder, paths).ToList(),
        };
        dataset.Validate();
        return dataset;
    }

    public static IReadOnlyList<DerivedQuery> DeriveQueries(IReadOnlyList<AnnotatedImage> annotations, TotalTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return WordQueryDerivation.Derive(annotations, WordQueryRule.Mstar(options.QuerySet == WordQuerySet.TopWords ? options.TopCount : null));
    }
}
