namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>Options of the SVT benchmark (<c>retrieval eval svt --xml test.xml --images DIR</c>).</summary>
/// <param name="XmlPath">The split's ground truth, <c>test.xml</c> (or <c>train.xml</c>).</param>
/// <param name="ImagesDirectory">The SVT root folder (image names read <c>img/NN_NN.jpg</c>) or the <c>img</c> folder itself; null means the XML file's folder.</param>
public sealed record SvtOptions(string XmlPath, string? ImagesDirectory = null)
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(XmlPath))
        {
            throw new DatasetFormatException("--xml is required: the SVT ground-truth file (test.xml).");
        }
    }
}

/// <summary>
/// Street View Text as a retrieval benchmark (the standard protocol since Mishra et al. 2013): the
/// gallery is the split's images, the queries every unique lower-cased tag, and an image is relevant
/// when one of its tags equals the query.
/// </summary>
public static class SvtBenchmark
{
    public static BenchmarkDataset Load(SvtOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var annotations = SvtGroundTruth.ReadFile(options.XmlPath);
        cancellationToken.ThrowIfCancellationRequested();
        var root = IcdarGroundTruth.RequireDirectory(options.ImagesDirectory ?? Path.GetDirectoryName(Path.GetFullPath(options.XmlPath)), "--images");
        var paths = GalleryResolution.Resolve(annotations.Select(a => a.ImageName), name => Find(root, name), $"--images {root}");
        var derived = WordQueryDerivation.Derive(annotations, WordQueryRule.SvtLowerCase);
        var dataset = new BenchmarkDataset(
            "svt-" + Path.GetFileNameWithoutExtension(options.XmlPath),
            paths.Values.Order(StringComparer.Ordinal).ToList(),
            GalleryResolution.ToQueries(derived, paths));
        dataset.Validate();
        return dataset;
    }

    private static string? Find(string root, string imageName)
    {
        var relative = imageName.Replace('\\', '/');
        foreach (var candidate in new[] { Path.Combine(root, relative), Path.Combine(root, Path.GetFileName(relative)) })
        {
            if (File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }
}
