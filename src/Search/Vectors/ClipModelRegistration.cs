using System.Globalization;
using Retrieval.Models.Clip;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>
/// The CLIP model an index uses for its visual channel, as recorded in the index settings: where the export lies,
/// the fingerprint id its embeddings are stored under (<see cref="EmbeddingDocument.ModelId"/>), and their width.
/// An index with no registration has no CLIP channel and searches by text alone.
/// </summary>
public sealed record ClipModelRegistration(string ModelDirectory, string ModelId, int EmbeddingWidth)
{
    public const string DirectoryKey = "clip.model_directory";
    public const string ModelIdKey = "clip.model_id";
    public const string WidthKey = "clip.embedding_width";

    /// <summary>The fingerprint id of the model whose embeddings the index holds (set by <c>index --embed</c>).</summary>
    public const string EmbeddedModelKey = "clip.embedded_model_id";

    /// <summary>The precision <c>index --embed</c> last stored embeddings at (watching embeds new images at it too).</summary>
    public const string EmbeddedPrecisionKey = "clip.embedded_precision";

    /// <summary>The files (relative path, length, SHA-256; one per line) of that model, for the record.</summary>
    public const string EmbeddedFilesKey = "clip.embedded_model_files";

    /// <summary>
    /// Each file of the registered model with its length, last write time and SHA-256 (one per line), so later
    /// fingerprints of the same export hash only the files that were touched since (<see cref="FingerprintAsync"/>).
    /// </summary>
    public const string FileStampsKey = "clip.model_file_stamps";

    /// <summary>Validates the export in <paramref name="directory"/> by opening both towers (so a broken export fails here, not at search time).</summary>
    /// <exception cref="Retrieval.Models.Onnx.ModelLoadException">The directory is not a usable CLIP export; the message says what is wrong.</exception>
    public static ClipModelRegistration Inspect(string directory, CancellationToken cancellationToken = default) => Inspect(directory, out _, cancellationToken);

    /// <summary>As <see cref="Inspect(string, CancellationToken)"/>, also giving the fingerprint it computed (to record with <see cref="RecordFileStampsAsync"/>).</summary>
    public static ClipModelRegistration Inspect(string directory, out ClipModelFingerprint fingerprint, CancellationToken cancellationToken = default)
    {
        using var model = ClipModel.Open(directory, cancellationToken: cancellationToken);
        fingerprint = model.Fingerprint;
        return new ClipModelRegistration(model.Directory.Root, model.Fingerprint.Id, model.EmbeddingWidth);
    }

    /// <summary>
    /// The fingerprint of the export in <paramref name="directory"/>, reading again only the files whose length or last
    /// write time differ from the stamps recorded in the index (a search would otherwise hash hundreds of megabytes
    /// each time it opens the channel). With <paramref name="record"/> the new stamps are written back when they changed.
    /// </summary>
    public static async Task<ClipModelFingerprint> FingerprintAsync(IIndexStore store, ClipModelDirectory directory, bool record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(directory);
        var stamps = ParseStamps(await store.GetSettingAsync(FileStampsKey, cancellationToken).ConfigureAwait(false));
        var fingerprint = directory.ComputeFingerprint(stamps, cancellationToken);
        if (record && !fingerprint.Files.SequenceEqual(stamps))
        {
            await RecordFileStampsAsync(store, fingerprint, cancellationToken).ConfigureAwait(false);
        }

        return fingerprint;
    }

    /// <summary>Records the stamps of <paramref name="fingerprint"/>'s files for <see cref="FingerprintAsync"/>.</summary>
    public static Task RecordFileStampsAsync(IIndexStore store, ClipModelFingerprint fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(fingerprint);
        var lines = fingerprint.Files.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.RelativePath}\t{f.Length}\t{f.ModifiedTicks}\t{f.Sha256}"));
        return store.SetSettingAsync(FileStampsKey, string.Join('\n', lines), cancellationToken);
    }

    /// <summary>The registration recorded in <paramref name="store"/>, or null when the index has none (or only part of one).</summary>
    public static async Task<ClipModelRegistration?> ReadAsync(IIndexStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var directory = await store.GetSettingAsync(DirectoryKey, cancellationToken).ConfigureAwait(false);
        var modelId = await store.GetSettingAsync(ModelIdKey, cancellationToken).ConfigureAwait(false);
        var width = await store.GetSettingAsync(WidthKey, cancellationToken).ConfigureAwait(false);
        return directory is null || modelId is null || !int.TryParse(width, NumberStyles.Integer, CultureInfo.InvariantCulture, out var w)
            ? null
            : new ClipModelRegistration(directory, modelId, w);
    }

    /// <summary>The fingerprint id of the model that made the index's embeddings, or null when nothing was embedded.</summary>
    public static Task<string?> ReadEmbeddedModelAsync(IIndexStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.GetSettingAsync(EmbeddedModelKey, cancellationToken);
    }

    /// <summary>Records that the index's embeddings are (being) made by the model with <paramref name="fingerprint"/>.</summary>
    public static async Task RecordEmbeddedModelAsync(IIndexStore store, ClipModelFingerprint fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(fingerprint);
        var files = string.Join('\n', fingerprint.Files.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.RelativePath}\t{f.Length}\t{f.Sha256}")));
        await store.SetSettingAsync(EmbeddedFilesKey, files, cancellationToken).ConfigureAwait(false);
        await store.SetSettingAsync(EmbeddedModelKey, fingerprint.Id, cancellationToken).ConfigureAwait(false);
    }

    private static List<ClipFileHash> ParseStamps(string? text)
    {
        var stamps = new List<ClipFileHash>();
        foreach (var line in (text ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            if (fields.Length == 4
                && long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var length)
                && long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks))
            {
                stamps.Add(new ClipFileHash(fields[0], length, fields[3]) { ModifiedTicks = ticks });
            }
        }

        return stamps;
    }

    /// <summary>Records this registration in <paramref name="store"/>, replacing any earlier one (embeddings of another model stay stored but unused).</summary>
    public async Task WriteAsync(IIndexStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.SetSettingAsync(DirectoryKey, ModelDirectory, cancellationToken).ConfigureAwait(false);
        await store.SetSettingAsync(ModelIdKey, ModelId, cancellationToken).ConfigureAwait(false);
        await store.SetSettingAsync(WidthKey, EmbeddingWidth.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }
}
