namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>Turns annotation image names into gallery paths, failing once with every missing name listed.</summary>
internal static class GalleryResolution
{
    private const int ListedMissing = 10;

    public static Dictionary<string, string> Resolve(IEnumerable<string> imageNames, Func<string, string?> find, string where)
    {
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var name in imageNames)
        {
            if (resolved.ContainsKey(name))
            {
                continue;
            }

            if (find(name) is { } path)
            {
                resolved[name] = path;
            }
            else
            {
                missing.Add(name);
            }
        }

        if (missing.Count > 0)
        {
            var listed = string.Join(", ", missing.Take(ListedMissing));
            var more = missing.Count > ListedMissing ? $" and {missing.Count - ListedMissing} more" : string.Empty;
            throw new DatasetFormatException($"{missing.Count} annotated image(s) not found in {where} (or found under several extensions): {listed}{more}. Pass the folder that holds the split's images.");
        }

        var paths = resolved.Values.ToList();
        var duplicate = paths.GroupBy(p => p, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DatasetFormatException($"Two annotation files resolve to the same image {duplicate.Key}; each image needs exactly one ground-truth file.");
        }

        return resolved;
    }

    /// <summary>Maps derived queries onto gallery paths.</summary>
    public static List<BenchmarkQuery> ToQueries(IEnumerable<DerivedQuery> derived, IReadOnlyDictionary<string, string> paths) =>
        derived.Select(q => new BenchmarkQuery(
                q.Text,
                q.ImageNames.Select(n => paths[n]).ToHashSet(StringComparer.Ordinal))
        { Kind = q.Kind })
            .ToList();

    /// <summary>The warning for folder files that no annotation names: they stay out of the gallery.</summary>
    public static IEnumerable<string> Unannotated(ImageFolder folder, IReadOnlyDictionary<string, string> paths)
    {
        var used = paths.Values.ToHashSet(StringComparer.Ordinal);
        var extra = folder.Files.Where(f => !used.Contains(f)).ToList();
        if (extra.Count > 0)
        {
            yield return $"{extra.Count} file(s) in {folder.Directory} have no ground truth and are not in the gallery (first: {Path.GetFileName(extra[0])}).";
        }
    }
}
