namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>Options of a team's own benchmark (<c>retrieval eval tsv --queries FILE --images DIR</c>).</summary>
/// <param name="QueriesPath">UTF-8 text, one query per line: <c>query&lt;TAB&gt;image&lt;TAB&gt;image...</c>.</param>
/// <param name="ImagesDirectory">The gallery: every image under this folder, subfolders included.</param>
public sealed record TsvOptions(string QueriesPath, string ImagesDirectory)
{
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(QueriesPath))
        {
            errors.Add("--queries is required: the TSV file of queries and relevant images.");
        }

        if (string.IsNullOrWhiteSpace(ImagesDirectory))
        {
            errors.Add("--images is required: the folder of gallery images.");
        }

        if (errors.Count > 0)
        {
            throw new DatasetFormatException(string.Join(" ", errors));
        }
    }
}

/// <summary>
/// A benchmark from a folder of images and a TSV file, for measuring retrieval on one's own collection
/// (a product catalogue). Each line is a query (a word, several words or a quoted phrase, given to the
/// query parser as written) then, tab-separated, the names of its relevant images relative to the
/// folder (<c>/</c> separates subfolders). Blank lines and lines starting with <c>#</c> are skipped; a
/// first line whose first field is <c>query</c> is a header. The gallery is every file under the folder
/// whose content is an image, so unrelated images act as distractors.
/// </summary>
public static class TsvBenchmark
{
    public static BenchmarkDataset Load(TsvOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var tsv = Path.GetFullPath(options.QueriesPath);
        if (!File.Exists(tsv))
        {
            throw new DatasetFormatException($"--queries {tsv}: file not found.");
        }

        var scan = ImageGallery.Scan(options.ImagesDirectory, recursive: true, cancellationToken);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.ImagesDirectory));
        var gallery = scan.Images.Select(i => i.Path).ToHashSet(StringComparer.Ordinal);
        var queries = new List<BenchmarkQuery>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var sawContent = false;
        foreach (var (number, line) in TextLines.Read(tsv))
        {
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            var text = fields[0].Trim();
            if (!sawContent && text.Equals("query", StringComparison.OrdinalIgnoreCase))
            {
                sawContent = true;
                continue;
            }

            sawContent = true;
            if (text.Length == 0)
            {
                throw DatasetFormatException.AtLine(tsv, number, "empty query; the line must start with the query text, then a tab.");
            }

            if (firstLine.TryGetValue(text, out var earlier))
            {
                throw DatasetFormatException.AtLine(tsv, number, $"query '{text}' already appears on line {earlier}; list all its images on one line.");
            }

            firstLine[text] = number;
            var relevant = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in fields.Skip(1).Select(f => f.Trim()).Where(f => f.Length > 0))
            {
                relevant.Add(Resolve(tsv, number, root, gallery, name));
            }

            if (relevant.Count == 0)
            {
                throw DatasetFormatException.AtLine(tsv, number, $"query '{text}' lists no relevant image; add tab-separated image names after it.");
            }

            queries.Add(new BenchmarkQuery(text, relevant) { Kind = BenchmarkQueryKind.Text });
        }

        if (queries.Count == 0)
        {
            throw new DatasetFormatException($"{tsv}: no queries; write one 'query<TAB>image...' line per query.");
        }

        var dataset = new BenchmarkDataset(
            "tsv-" + Path.GetFileNameWithoutExtension(tsv),
            scan.Images.Select(i => i.Path).ToList(),
            queries)
        {
            Warnings = scan.Warnings,
        };
        dataset.Validate();
        return dataset;
    }

    private static string Resolve(string tsv, int line, string root, HashSet<string> gallery, string name)
    {
        if (Path.IsPathRooted(name))
        {
            throw DatasetFormatException.AtLine(tsv, line, $"image '{name}' must be relative to the images folder {root}.");
        }

        var path = Path.GetFullPath(Path.Combine(root, name.Replace('\\', '/')));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw DatasetFormatException.AtLine(tsv, line, $"image '{name}' is outside the images folder {root}.");
        }

        if (gallery.Contains(path))
        {
            return path;
        }

        throw DatasetFormatException.AtLine(
            tsv,
            line,
            File.Exists(path) ? $"'{name}' is not an image (not JPEG, PNG, GIF, BMP, TIFF or WebP)." : $"image '{name}' not found in {root}.");
    }
}
