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

    /// <summary>
    /// The precision the vectors are scanned at, which is also the precision of the index's vector file (float16: half
    /// the memory of float32, cosines within about 1e-3; int8 with a scale per row: a quarter, mapped files only, read
    /// into memory as float16 otherwise).
    /// </summary>
    public EmbeddingPrecision MemoryPrecision { get; init; } = EmbeddingPrecision.Float16;

    /// <summary>
    /// Follow the index (a long-running server): each search first checks the index's embedding generation and, when
    /// embeddings were added or removed since, opens the current vectors. The channel then also opens when the model is
    /// registered but nothing is embedded yet. Off, the vectors are a snapshot taken when the channel opens.
    /// </summary>
    public bool Follow { get; init; }

    /// <summary>How long a search that notices changed embeddings waits for the new vectors before it searches the previous ones.</summary>
    public TimeSpan RefreshWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The least time between two rebuilds of a stale vector file by a following channel (while an indexing run commits
    /// embeddings batch after batch; the run rewrites the file when it ends). Opening a file someone else made current is never held back.
    /// </summary>
    public TimeSpan RebuildInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Query embeddings remembered (repeated queries skip the text tower).</summary>
    public int QueryCacheSize { get; init; } = 1024;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Encoder, nameof(Encoder));
        ArgumentNullException.ThrowIfNull(Query, nameof(Query));
        Encoder.Validate();
        Query.Validate();
        if (!Enum.IsDefined(MemoryPrecision))
        {
            throw new ArgumentOutOfRangeException(nameof(MemoryPrecision), MemoryPrecision, "MemoryPrecision must be Float16, Float32 or Int8.");
        }

        if (RefreshWait < TimeSpan.Zero || RefreshWait > TimeSpan.FromMinutes(10) || RebuildInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshWait), "RefreshWait must be 0..10 min and RebuildInterval not negative.");
        }

        if (QueryCacheSize is < 0 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(QueryCacheSize), QueryCacheSize, "QueryCacheSize must be 0..1000000.");
        }
    }
}

/// <summary>
/// The searcher's visual channel: the registered CLIP model's text tower (to embed queries) and every stored
/// embedding of that model in one <see cref="ClipVectorIndex"/> (the index's memory-mapped vector file). It exists
/// only when the index has a registered model and embeddings made by it (or, following the index, a registered
/// model); otherwise <see cref="OpenAsync"/> returns null and search is text-only, exactly as without CLIP. The
/// vectors are a snapshot taken when the channel opens, or, with <see cref="ClipChannelOptions.Follow"/>, renewed
/// when the index's embeddings change; a search holds one version for its duration (<see cref="AcquireAsync"/>).
/// Thread-safe.
/// </summary>
public sealed partial class ClipChannel : IDisposable
{
    private readonly ClipTextEncoder encoder;
    private readonly ClipQueryEmbedder embedder;
    private readonly ConcurrentDictionary<string, float[]> cache = new(StringComparer.Ordinal);
    private readonly int cacheSize;

    private readonly ClipVectorSnapshots snapshots;

    private ClipChannel(ClipModelRegistration registration, ClipTextEncoder encoder, ClipQueryEmbedder embedder, ClipVectorSnapshots snapshots, int cacheSize)
    {
        Registration = registration;
        this.encoder = encoder;
        this.embedder = embedder;
        this.snapshots = snapshots;
        this.cacheSize = cacheSize;
    }

    public ClipModelRegistration Registration { get; }

    /// <summary>The current vectors (a following channel may replace them at the next search: hold them with <see cref="AcquireAsync"/>).</summary>
    public ClipVectorIndex Vectors => snapshots.Current.Index;

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

        var snapshots = await ClipVectorSnapshots.OpenAsync(store, registration.ModelId, options, logger, cancellationToken).ConfigureAwait(false);
        try
        {
            var vectors = snapshots.Current.Index;
            if (vectors.Count == 0 && !options.Follow)
            {
                if (logger is not null)
                {
                    LogNothingEmbedded(logger, registration.ModelDirectory);
                }

                snapshots.Dispose();
                return null;
            }

            var directory = OpenDirectory(registration);
            var fingerprint = await ClipModelRegistration.FingerprintAsync(store, directory, record: false, cancellationToken).ConfigureAwait(false);
            if (fingerprint.Id != registration.ModelId)
            {
                throw new ModelLoadException(
                    $"The CLIP model files in {registration.ModelDirectory} changed since they were registered for this index (id {Short(registration.ModelId)}, now {Short(fingerprint.Id)}): " +
                    "the stored embeddings no longer match its queries. Register it again with `retrieval models add-clip` and re-embed with `retrieval index --embed --force`, or search with --fusion off.");
            }

            var encoder = ClipTextEncoder.Open(directory, options.Encoder, logger);
            try
            {
                if (encoder.EmbeddingWidth != (vectors.Count > 0 ? vectors.Width : registration.EmbeddingWidth))
                {
                    throw new ModelLoadException($"{encoder.ModelPath} gives {encoder.EmbeddingWidth}-wide embeddings, the index stores {vectors.Width}-wide ones for it; re-embed with `retrieval index --embed --force`.");
                }

                var channel = new ClipChannel(registration, encoder, new ClipQueryEmbedder(encoder, options.Query), snapshots, options.QueryCacheSize);
                if (logger is not null)
                {
                    LogOpened(logger, registration.ModelDirectory, vectors.Count, vectors.ImageCount, vectors.FilePath ?? "memory");
                }

                return channel;
            }
            catch
            {
                encoder.Dispose();
                throw;
            }
        }
        catch
        {
            snapshots.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Holds the vectors a search scans, renewed first when the channel follows the index and its embeddings changed
    /// (see <see cref="ClipChannelOptions.Follow"/>). Dispose the lease when the search is done.
    /// </summary>
    public async ValueTask<ClipVectorLease> AcquireAsync(CancellationToken cancellationToken = default)
    {
        await snapshots.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return snapshots.Hold();
    }

    /// <summary>
    /// Renews the vectors when the channel follows the index and its embeddings changed; returns the index's embedding
    /// generation the searched vectors show (what a cache of results keys on).
    /// </summary>
    public ValueTask<long> RefreshAsync(CancellationToken cancellationToken = default) => snapshots.RefreshAsync(cancellationToken);

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

    public void Dispose()
    {
        encoder.Dispose();
        snapshots.Dispose();
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "CLIP channel: {Rows} embeddings of {Images} images ({Source}), model {Directory}")]
    private static partial void LogOpened(ILogger logger, string directory, int rows, int images, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "CLIP model {Directory} is registered but nothing is embedded yet (run `retrieval index --embed`); searching by text only")]
    private static partial void LogNothingEmbedded(ILogger logger, string directory);
}
