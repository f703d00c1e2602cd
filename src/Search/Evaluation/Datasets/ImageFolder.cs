namespace Retrieval.Search.Evaluation.Datasets;

/// <summary>
/// The files of one images folder (not recursive), looked up by file name or by stem, for the
/// formats whose ground truth names images by number (<c>gt_img_7.txt</c> for <c>img_7.jpg</c>).
/// Lookups are ordinal first, then case-insensitive, so <c>img1.JPG</c> is found for <c>img1</c>.
/// </summary>
internal sealed class ImageFolder
{
    private readonly Dictionary<string, string> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byNameIgnoringCase = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<string>> _byStem = new(StringComparer.OrdinalIgnoreCase);

    private ImageFolder(string directory, IEnumerable<string> files)
    {
        Directory = directory;
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            _byName[name] = file;
            _byNameIgnoringCase.TryAdd(name, file);
            var stem = Path.GetFileNameWithoutExtension(name);
            if (!_byStem.TryGetValue(stem, out var list))
            {
                list = [];
                _byStem[stem] = list;
            }

            list.Add(file);
        }

        Files = _byName.Values.Order(StringComparer.Ordinal).ToList();
    }

    public string Directory { get; }

    /// <summary>Every file, absolute paths, ordinal order.</summary>
    public IReadOnlyList<string> Files { get; }

    public static ImageFolder Open(string directory, string optionName)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new DatasetFormatException($"{optionName} is required: the folder that holds the benchmark's images.");
        }

        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            throw new DatasetFormatException($"{optionName} {full}: folder not found.");
        }

        return new ImageFolder(full, System.IO.Directory.EnumerateFiles(full).Where(f => !Path.GetFileName(f).StartsWith('.')));
    }

    /// <summary>The file called <paramref name="name"/>, else the single file whose stem is <paramref name="name"/>'s stem.</summary>
    public string? Find(string name)
    {
        var fileName = Path.GetFileName(name);
        if (_byName.TryGetValue(fileName, out var exact) || _byNameIgnoringCase.TryGetValue(fileName, out exact))
        {
            return exact;
        }

        var stem = Path.GetFileNameWithoutExtension(fileName);
        return _byStem.TryGetValue(stem, out var candidates) && candidates.Count == 1 ? candidates[0] : null;
    }
}
