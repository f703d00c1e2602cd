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

    /// <summary>The files (relative path, length, SHA-256; one per line) of that model, for the record.</summary>
    public const string EmbeddedFilesKey = "clip.embedded_model_files";

    /// <summary>Validates the export in <paramref name="directory"/> by opening both towers (so a broken export fails here, not at search time).</summary>
    /// <exception cref="Retrieval.Models.Onnx.ModelLoadException">The directory is not a usable CLIP export; the message says what is wrong.</exception>
    public static ClipModelRegistration Inspect(string directory, CancellationToken cancellationToken = default)
    {
        using var model = ClipModel.Open(directory, cancellationToken: cancellationToken);
        return new ClipModelRegistration(model.Directory.Root, model.Fingerprint.Id, model.EmbeddingWidth);
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

    /// <summary>Records this registration in <paramref name="store"/>, replacing any earlier one (embeddings of another model stay stored but unused).</summary>
    public async Task WriteAsync(IIndexStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.SetSettingAsync(DirectoryKey, ModelDirectory, cancellationToken).ConfigureAwait(false);
        await store.SetSettingAsync(ModelIdKey, ModelId, cancellationToken).ConfigureAwait(false);
        await store.SetSettingAsync(WidthKey, EmbeddingWidth.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }
}
