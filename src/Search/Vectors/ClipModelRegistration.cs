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

    /// <summary>Records this registration in <paramref name="store"/>, replacing any earlier one (embeddings of another model stay stored but unused).</summary>
    public async Task WriteAsync(IIndexStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.SetSettingAsync(DirectoryKey, ModelDirectory, cancellationToken).ConfigureAwait(false);
        await store.SetSettingAsync(ModelIdKey, ModelId, cancellationToken).ConfigureAwait(false);
        await store.SetSettingAsync(WidthKey, EmbeddingWidth.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }
}
