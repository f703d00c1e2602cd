using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Retrieval.Models.Clip;
using Retrieval.Models.Onnx;
using Retrieval.Search.Query;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>How the searcher's CLIP channel is opened.</summary>
public sealed record ClipChannelOptions
{
    public ClipEncoderOptions Encoder { get; init; } = new();

    public ClipQueryOptions Query { get; init; } = new();

    /// <summary>How the vectors are kept in memory (float16: half the memory, cosines within about 1e-3).</summary>
    public EmbeddingPrecision MemoryPrecision { get; init; } = EmbeddingPrecision.Float16;

    /// <summary>Query embeddings remembered (repeated queries skip the text tower).</summary>
    public int QueryCacheSize { get; init; } = 1024;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Encoder, nameof(Encoder));
        ArgumentNullException.ThrowIfNull(Query, nameof(Query));
        Encoder.Validate();
        Query.Validate();
        if (MemoryPrecision is not (EmbeddingPrecision.Float16 or EmbeddingPrecision.Float32))
        {
            throw new ArgumentOutOfRangeException(nameof(MemoryPrecision), MemoryPrecision, "MemoryPrecision must be Float16 or Float32.");
        }

        if (QueryCacheSize is < 0 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(QueryCacheSize), QueryCacheSize, "QueryCacheSize must be 0..1000000.");
        }
    }
}

/// <summary>
/// The searcher's visual channel: the registered CLIP model's text tower (to embed queries) and every stored
/// embedding of that model in one <see cref="ClipVectorIndex"/>. It exists only when the index has a registered
/// model and embeddings made by it; otherwise <see cref="OpenAsync"/> returns null and search is text-only, exactly
/// as without CLIP. The vectors are a snapshot taken when the channel opens. Thread-safe.
/// </summary>
public sealed partial class ClipChannel : IDisposable
{
    private readonly ClipTextEncoder encoder;
    private readonly ClipQueryEmbedder embedder;
    private readonly ConcurrentDictionary<string, float[]> cache = new(StringComparer.Ordinal);
    private readonly int cacheSize;

    private ClipChannel(ClipModelRegistration registration, ClipTextEncoder encoder, ClipQueryEmbedder embedder, ClipVectorIndex vectors, int cacheSize)
    {
        Registration = registration;
        this.encoder = encoder;
        this.embedder = embedder;
        Vectors = vectors;
        this.cacheSize = cacheSize;
    }

    public ClipModelRegistration Registration { get; }

    public ClipVectorIndex Vectors { get; }

    public ClipQueryEmbedder Embedder => embedder;

    /// <summary>
    /// The channel of the index in <paramref name="store"/>, or null when it has no registered CLIP model or no
    /// embeddings made by it (run <c>retrieval index --embed</c>).
    /// </summary>
    /// <exception cref="ModelLoadException">
    /// The registered model cannot be opened, or its files changed since it was registered (its embeddings would not
    /// be comparable with queries embedded by the changed files).
    /// </exception>
    public static async Task<ClipChannel?> OpenAsync(IIndexStore store, ClipChannelOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new ClipChannelOptions();
        options.Validate();
        var registration = await ClipModelRegistration.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        if (registration is null)
        {
            return null;
        }

        var vectors = await ClipVectorIndex.LoadAsync(store, registration.ModelId, options.MemoryPrecision, cancellationToken).ConfigureAwait(false);
        if (vectors.Count == 0)
        {
            if (logger is not null)
            {
                LogNothingEmbedded(logger, registration.ModelDirectory);
            }

            return null;
        }

        var directory = OpenDirectory(registration);
        var fingerprint = directory.ComputeFingerprint(cancellationToken);
        if (fingerprint.Id != registration.ModelId)
        {
            throw new ModelLoadException(
                $"The CLIP model files in {registration.ModelDirectory} changed since they were registered for this index (id {Short(registration.ModelId)}, now {Short(fingerprint.Id)}): " +
                "the stored embeddings no longer match its queries. Register it again with `retrieval models add-clip` and re-embed with `retrieval index --embed --force`, or search with --fusion off.");
        }

        var encoder = ClipTextEncoder.Open(directory, options.Encoder, logger);
        try
        {
            if (encoder.EmbeddingWidth != vectors.Width)
            {
                throw new ModelLoadException($"{encoder.ModelPath} gives {encoder.EmbeddingWidth}-wide embeddings, the index stores {vectors.Width}-wide ones for it; re-embed with `retrieval index --embed --force`.");
            }

            var channel = new ClipChannel(registration, encoder, new ClipQueryEmbedder(encoder, options.Query), vectors, options.QueryCacheSize);
            if (logger is not null)
            {
                LogOpened(logger, registration.ModelDirectory, vectors.Count, vectors.ImageCount);
            }

            return channel;
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>The query's embedding (cached by its parsed form).</summary>
    public float[] Embed(ParsedQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var key = string.Join('\u001f', query.Clauses.Select(c => c.ToString()));
        if (cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var embedding = embedder.Embed(query, cancellationToken);
        if (cacheSize > 0)
        {
            if (cache.Count >= cacheSize)
            {
                cache.Clear();
            }

            cache[key] = embedding;
        }

        return embedding;
    }

    /// <summary>Every image's similarity to the query.</summary>
    public ClipScan Scan(ParsedQuery query, CancellationToken cancellationToken = default) => Vectors.Scan(Embed(query, cancellationToken));

    public void Dispose() => encoder.Dispose();

    private static ClipModelDirectory OpenDirectory(ClipModelRegistration registration)
    {
        try
        {
            return ClipModelDirectory.Open(registration.ModelDirectory);
        }
        catch (ModelLoadException e)
        {
            throw new ModelLoadException(
                $"The CLIP model registered for this index cannot be opened: {e.Message} Put the export back, register it again with `retrieval models add-clip`, or search with --fusion off.", e);
        }
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    [LoggerMessage(Level = LogLevel.Information, Message = "CLIP channel: {Rows} embeddings of {Images} images, model {Directory}")]
    private static partial void LogOpened(ILogger logger, string directory, int rows, int images);

    [LoggerMessage(Level = LogLevel.Information, Message = "CLIP model {Directory} is registered but nothing is embedded yet (run `retrieval index --embed`); searching by text only")]
    private static partial void LogNothingEmbedded(ILogger logger, string directory);
}
