namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>Options of the ICDAR2015 benchmark (<c>retrieval eval icdar2015 --images DIR --gt DIR</c>).</summary>
public sealed record Icdar2015Options(string ImagesDirectory, string GroundTruthDirectory)
{
    public WordQuerySet QuerySet { get; init; } = WordQuerySet.TopWords;

    /// <summary>How many words <see cref="WordQuerySet.TopWords"/> keeps.</summary>
    public int TopCount { get; init; } = 100;

    public PhraseQueryRule PhraseRule { get; init; } = new();

    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ImagesDirectory))
        {
            errors.Add("--images is required: the folder of img_N.jpg files.");
        }

        if (string.IsNullOrWhiteSpace(GroundTruthDirectory))
        {
            errors.Add("--gt is required: the folder of gt_img_N.txt files.");
        }

        if (TopCount < 1)
        {
            errors.Add($"The top-word count must be at least 1 (got {TopCount}).");
        }

        if (errors.Count > 0)
        {
            throw new DatasetFormatException(string.Join(" ", errors));
        }

        PhraseRule.Validate();
    }
}

/// <summary>
/// ICDAR2015 Incidental Scene Text as a retrieval benchmark, the way TDSL (CVPR 2021) and MSTAR (2025)
/// define it: every annotated image of the split is in the gallery; queries are normalized ground-truth
/// words (see <see cref="WordNormalization.Mstar"/>), or adjacent word pairs for the phrase variant.
/// </summary>
public static class Icdar2015Benchmark
{
    public static BenchmarkDataset Load(Icdar2015Options options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var annotations = IcdarGroundTruth.ReadDirectory(options.GroundTruthDirectory, cancellationToken);
        var folder = ImageFolder.Open(options.ImagesDirectory, "--images");
        var paths = GalleryResolution.Resolve(annotations.Select(a => a.ImageName), folder.Find, $"--images {folder.Directory}");
        var derived = DeriveQueries(annotations, options);
        var name = options.QuerySet switch
        {
            WordQuerySet.TopWords => $"icdar2015-top{options.TopCount}",
            WordQuerySet.AllWords => "icdar2015-all-words",
            _ => "icdar2015-phrases",
        };
        var dataset = new BenchmarkDataset(name, paths.Values.Order(StringComparer.Ordinal).ToList(), GalleryResolution.ToQueries(derived, paths))
        {
            Warnings = GalleryResolution.Unannotated(folder, paths).ToList(),
        };
        dataset.Validate();
        return dataset;
    }

    /// <summary>The queries of <paramref name="options"/>'s query set, by annotation image name (no files needed).</summary>
    public static IReadOnlyList<DerivedQuery> DeriveQueries(IReadOnlyList<AnnotatedImage> annotations, Icdar2015Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.QuerySet switch
        {
            WordQuerySet.TopWords => WordQueryDerivation.Derive(annotations, WordQueryRule.Mstar(options.TopCount)),
            WordQuerySet.AllWords => WordQueryDerivation.Derive(annotations, WordQueryRule.Mstar(null)),
            WordQuerySet.Phrases => PhraseQueryDerivation.Derive(annotations, options.PhraseRule),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.QuerySet, "Unknown query set."),
        };
    }
}
