using System.Security.Cryptography;
using System.Text;

namespace Retrieval.Models.Clip;

/// <summary>One file of a model and its SHA-256 (lower-case hex).</summary>
/// <param name="RelativePath">Path under the model directory, '/' separated.</param>
public sealed record ClipFileHash(string RelativePath, long Length, string Sha256)
{
    /// <summary>
    /// The file's last write time (UTC ticks) as seen just before it was hashed; 0 when unknown. With the length it lets
    /// a later fingerprint reuse the hash of a file that was not touched since.
    /// </summary>
    public long ModifiedTicks { get; init; }
}

/// <summary>
/// Which model made a set of embeddings: the SHA-256 of every file that shapes them (both towers, any ONNX external
/// data next to them, tokenizer and config files) and one <see cref="Id"/> over all of them. Embeddings are comparable
/// only when the ids are equal; an index stores the id and refuses queries from a different model.
/// </summary>
public sealed record ClipModelFingerprint(IReadOnlyList<ClipFileHash> Files, string Id)
{
    public static ClipModelFingerprint Compute(string root, IEnumerable<string> files, CancellationToken cancellationToken = default) =>
        Compute(root, files, null, cancellationToken);

    /// <summary>
    /// As <see cref="Compute(string, IEnumerable{string}, CancellationToken)"/>, reusing the hash of a file found in
    /// <paramref name="known"/> with the same path, length and last write time instead of reading it again (a CLIP
    /// export is hundreds of megabytes). A file rewritten with the same length and time is not noticed; that is the price.
    /// </summary>
    public static ClipModelFingerprint Compute(string root, IEnumerable<string> files, IReadOnlyCollection<ClipFileHash>? known, CancellationToken cancellationToken = default)
    {
        var reusable = (known ?? []).Where(k => k.ModifiedTicks != 0).GroupBy(k => k.RelativePath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var hashes = new List<ClipFileHash>();
        foreach (var file in files.SelectMany(WithExternalData).Distinct(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            var info = new FileInfo(file);
            var modified = info.Exists ? info.LastWriteTimeUtc.Ticks : 0;
            if (info.Exists && reusable.TryGetValue(relative, out var stamp) && stamp.Length == info.Length && stamp.ModifiedTicks == modified)
            {
                hashes.Add(stamp);
                continue;
            }

            var (length, hash) = Hash(file, cancellationToken);
            hashes.Add(new ClipFileHash(relative, length, hash) { ModifiedTicks = modified });
        }

        hashes.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        var manifest = string.Concat(hashes.Select(h => $"{h.RelativePath}\t{h.Sha256}\n"));
        return new ClipModelFingerprint(hashes, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest))));
    }

    private static (long Length, string Sha256) Hash(string file, CancellationToken cancellationToken)
    {
        // Towers are hundreds of megabytes: hash in chunks so cancellation is prompt.
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sha.AppendData(buffer, 0, read);
        }

        return (stream.Length, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>A model file and the external-data files ONNX exports put beside it (model.onnx.data, model.onnx_data).</summary>
    private static IEnumerable<string> WithExternalData(string file)
    {
        yield return file;
        if (!file.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            yield break;
        }

        foreach (var suffix in new[] { ".data", "_data" })
        {
            if (File.Exists(file + suffix))
            {
                yield return file + suffix;
            }
        }
    }
}
