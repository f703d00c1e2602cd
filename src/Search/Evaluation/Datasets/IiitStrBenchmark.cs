using Retrieval.Search.Evaluation.Mat;

namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>Options of the IIIT Scene Text Retrieval benchmark (<c>retrieval eval iiit-str --data DIR</c>).</summary>
/// <param name="DataDirectory">The unpacked <c>IIIT_STR_V1.0</c> folder: <c>data.mat</c> and <c>imgDatabase/</c>.</param>
public sealed record IiitStrOptions(string DataDirectory)
{
    public const string GroundTruthFile = "data.mat";
    public const string ImagesFolder = "imgDatabase";

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new DatasetFormatException("--data is required: the IIIT_STR_V1.0 folder holding data.mat and imgDatabase/.");
        }
    }
}

/// <summary>
/// IIIT Scene Text Retrieval (Mishra et al., ICCV 2013) as a benchmark: the gallery is every image in
/// <c>imgDatabase/</c> (found by content: the original zip has GIF and PNG files named <c>.jpg</c>,
/// which are kept and listed as warnings), the queries its 50 words, lower-cased.
/// <para>
/// <c>data.mat</c> holds a 1x50 struct array <c>data</c>. The reference evaluation (Gómez et al., ECCV
/// 2018, <c>eval_STR.py</c>) reads it by position: field 1 is the query (a 1x1 cell holding a char
/// array), field 2 the relevant images (an Nx1 cell of file names relative to <c>imgDatabase/</c>).
/// The field names are not relied on: the query is the first field that holds one string (a char array
/// or a 1x1 cell of one), the relevant images the next field that is a cell array of strings.
/// </para>
/// </summary>
public static class IiitStrBenchmark
{
    public static BenchmarkDataset Load(IiitStrOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var root = IcdarGroundTruth.RequireDirectory(options.DataDirectory, "--data");
        var matPath = Path.Combine(root, IiitStrOptions.GroundTruthFile);
        if (!File.Exists(matPath))
        {
            throw new DatasetFormatException($"--data {root}: no {IiitStrOptions.GroundTruthFile}; pass the IIIT_STR_V1.0 folder.");
        }

        var imagesDirectory = Path.Combine(root, IiitStrOptions.ImagesFolder);
        if (!Directory.Exists(imagesDirectory))
        {
            throw new DatasetFormatException($"--data {root}: no {IiitStrOptions.ImagesFolder}/ folder; pass the IIIT_STR_V1.0 folder.");
        }

        var entries = ReadQueries(matPath);
        var scan = ImageGallery.Scan(imagesDirectory, recursive: false, cancellationToken);
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        var byNameIgnoringCase = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var image in scan.Images)
        {
            byName[Path.GetFileName(image.Path)] = image.Path;
            byNameIgnoringCase.TryAdd(Path.GetFileName(image.Path), image.Path);
        }

        var warnings = new List<string>(scan.Warnings);
        var merged = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var order = new List<string>();
        var missing = new List<string>();
        foreach (var (query, images) in entries)
        {
            if (!merged.TryGetValue(query, out var relevant))
            {
                relevant = new HashSet<string>(StringComparer.Ordinal);
                merged[query] = relevant;
                order.Add(query);
            }
            else
            {
                warnings.Add($"{matPath}: query '{query}' appears more than once; its relevant images are merged.");
            }

            foreach (var name in images)
            {
                var fileName = Path.GetFileName(name.Replace('\\', '/'));
                if (byName.TryGetValue(fileName, out var path) || byNameIgnoringCase.TryGetValue(fileName, out path))
                {
                    relevant.Add(path);
                }
                else
                {
                    missing.Add($"{name} (query '{query}')");
                }
            }
        }

        if (missing.Count > 0)
        {
            throw new DatasetFormatException($"{matPath}: {missing.Count} relevant image(s) are not images in {imagesDirectory}: {string.Join(", ", missing.Take(10))}.");
        }

        var dataset = new BenchmarkDataset(
            "iiit-str",
            scan.Images.Select(i => i.Path).ToList(),
            order.Select(q => new BenchmarkQuery(q, merged[q])).ToList())
        {
            Warnings = warnings,
        };
        dataset.Validate();
        return dataset;
    }

    /// <summary>The (lower-cased query, relevant image names) pairs of an IIIT-STR style <c>data.mat</c>.</summary>
    public static IReadOnlyList<(string Query, IReadOnlyList<string> Images)> ReadQueries(string matPath)
    {
        MatFile file;
        try
        {
            file = MatFile.Read(matPath);
        }
        catch (MatFormatException e)
        {
            throw new DatasetFormatException(e.Message, e);
        }

        var data = file.Variables.TryGetValue("data", out var named) ? named : file.Variables.Values.SingleOrDefault(v => v is MatStructArray);
        if (data is not MatStructArray structs)
        {
            throw new DatasetFormatException($"{matPath}: expected a struct array variable 'data' (IIIT-STR layout); found {Describe(file)}.");
        }

        var result = new List<(string, IReadOnlyList<string>)>(structs.Count);
        for (var i = 0; i < structs.Count; i++)
        {
            string? query = null;
            IReadOnlyList<string>? images = null;
            for (var f = 0; f < structs.FieldNames.Count && images is null; f++)
            {
                var value = structs[i, f];
                if (query is null)
                {
                    query = SingleString(value);
                }
                else
                {
                    images = StringList(value);
                }
            }

            if (string.IsNullOrWhiteSpace(query) || images is null)
            {
                throw new DatasetFormatException($"{matPath}: data({i + 1}) does not hold a query string followed by a cell array of image names (fields: {string.Join(", ", structs.FieldNames)}).");
            }

            result.Add((query.Trim().ToLowerInvariant(), images));
        }

        return result;
    }

    private static string? SingleString(MatArray value) => value switch
    {
        MatCharArray { Rows.Count: 1 } chars => chars.Rows[0],
        MatCellArray { Count: 1 } cell => SingleString(cell.Cells[0]),
        _ => null,
    };

    private static List<string>? StringList(MatArray value)
    {
        if (value is not MatCellArray cell)
        {
            return null;
        }

        var names = new List<string>(cell.Count);
        foreach (var item in cell.Cells)
        {
            if (SingleString(item) is not { } name)
            {
                return null;
            }

            names.Add(name.Trim());
        }

        return names;
    }

    private static string Describe(MatFile file) =>
        file.Variables.Count == 0 ? "no variables" : string.Join(", ", file.Variables.Select(v => $"'{v.Key}' ({v.Value})"));
}
