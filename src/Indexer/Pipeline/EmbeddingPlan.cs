using Microsoft.Extensions.Logging;
using Retrieval.Models.Clip;
using Retrieval.Models.Onnx;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Indexer.Pipeline;

/// <summary>
/// The CLIP side of one indexing run with <c>--embed</c>: which model embeds (the index's registered one, checked
/// against its files), its vision tower, and which stored images already hold its embeddings. An index holds the
/// embeddings of one model at a time: a run with another model is refused unless it replaces them (<c>--force</c> or
/// <c>--rebuild</c>). The model is recorded in the index before anything is embedded, and every image's embeddings
/// are committed with it, so an interrupted run resumes where it stopped. Owns the vision tower.
/// </summary>
internal sealed partial class EmbeddingPlan : IDisposable
{
    private readonly ClipImageEncoder encoder;
    private readonly ClipModelFingerprint fingerprint;
    private readonly EmbeddingOptions options;
    private IReadOnlySet<long> embedded = new HashSet<long>();

    private EmbeddingPlan(IEmbeddingStore store, ClipModelRegistration registration, ClipModelFingerprint fingerprint, ClipImageEncoder encoder, EmbeddingOptions options)
    {
        Store = store;
        Registration = registration;
        this.fingerprint = fingerprint;
        this.encoder = encoder;
        this.options = options;
    }

    public IEmbeddingStore Store { get; }

    public ClipModelRegistration Registration { get; }

    public string ModelId => Registration.ModelId;

    public EmbeddingOptions Options => options;

    /// <summary>
    /// The plan of a run that embeds only because the index has a registered model (<see cref="IndexingOptions.EmbedWhenRegistered"/>),
    /// or null when it has none, holds another model's embeddings, or the model cannot be used (logged: the run indexes text only).
    /// </summary>
    public static async Task<EmbeddingPlan?> OpenIfRegisteredAsync(IIndexStore store, IndexingOptions indexing, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (store is not IEmbeddingStore || await ClipModelRegistration.ReadAsync(store, cancellationToken).ConfigureAwait(false) is not { } registration)
        {
            return null;
        }

        var logger = loggerFactory.CreateLogger<EmbeddingPlan>();
        var recorded = await ClipModelRegistration.ReadEmbeddedModelAsync(store, cancellationToken).ConfigureAwait(false);
        if (recorded is not null && recorded != registration.ModelId)
        {
            LogOtherModel(logger, registration.ModelDirectory);
            return null;
        }

        var precision = await store.GetSettingAsync(ClipModelRegistration.EmbeddedPrecisionKey, cancellationToken).ConfigureAwait(false) is { } text
            && Enum.TryParse<EmbeddingPrecision>(text, ignoreCase: true, out var stored) && Enum.IsDefined(stored) ? stored : EmbeddingPrecision.Float16;
        var embedding = new EmbeddingOptions { Precision = precision, Encoder = new ClipEncoderOptions { Onnx = indexing.Ocr.Onnx } };
        try
        {
            return await OpenAsync(store, indexing with { Embedding = embedding }, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ModelLoadException or IndexStoreException)
        {
            LogNotEmbedding(logger, registration.ModelDirectory, e.Message);
            return null;
        }
    }

    /// <summary>Opens the model to embed with. Runs before the index is (possibly) cleared by a rebuild.</summary>
    /// <exception cref="IndexStoreException">The store cannot hold embeddings added later, or no model is registered.</exception>
    /// <exception cref="ModelLoadException">The model does not load, or its files changed since it was registered.</exception>
    public static async Task<EmbeddingPlan> OpenAsync(IIndexStore store, IndexingOptions indexing, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var options = indexing.Embedding ?? throw new ArgumentException("The run does not embed.", nameof(indexing));
        var location = (await store.GetInfoAsync(cancellationToken).ConfigureAwait(false)).Location;
        if (store is not IEmbeddingStore embeddings)
        {
            throw new IndexStoreException(
                location,
                $"--embed needs a SQLite index (--index DIR): the store at {location} cannot add CLIP embeddings to images already indexed. Index without --embed, or embed into a SQLite index.");
        }

        var registration = options.Registration ?? await ClipModelRegistration.ReadAsync(store, cancellationToken).ConfigureAwait(false)
            ?? throw new IndexStoreException(
                location,
                $"--embed: no CLIP model is registered for the index at {location}. Register one with `retrieval models add-clip MODEL_DIR --index {location}`, then run the command again.");
        ClipModelDirectory directory;
        try
        {
            directory = ClipModelDirectory.Open(registration.ModelDirectory);
        }
        catch (ModelLoadException e)
        {
            throw new ModelLoadException($"The CLIP model registered for this index cannot be opened: {e.Message} Put the export back or register another with `retrieval models add-clip`.", e);
        }

        var fingerprint = await ClipModelRegistration.FingerprintAsync(store, directory, record: false, cancellationToken).ConfigureAwait(false);
        if (fingerprint.Id != registration.ModelId)
        {
            throw new ModelLoadException(
                $"The CLIP model files in {registration.ModelDirectory} changed since they were registered for this index (id {Short(registration.ModelId)}, now {Short(fingerprint.Id)}). " +
                $"Register them again with `retrieval models add-clip {registration.ModelDirectory}`; then `index --embed --force` replaces the old embeddings.");
        }

        var encoderOptions = options.Encoder with
        {
            ResizeMode = ClipResizeMode.Longest,
            ConcurrentSessions = Math.Max(options.Encoder.ConcurrentSessions, indexing.ConcurrentSessions),
        };
        var encoder = ClipImageEncoder.Open(directory, encoderOptions, loggerFactory.CreateLogger<EmbeddingPlan>());
        if (encoder.EmbeddingWidth != registration.EmbeddingWidth)
        {
            encoder.Dispose();
            throw new ModelLoadException($"{encoder.ModelPath} gives {encoder.EmbeddingWidth}-wide embeddings, but it was registered as {registration.EmbeddingWidth}-wide; register it again.");
        }

        return new EmbeddingPlan(embeddings, registration, fingerprint, encoder, options);
    }

    /// <summary>
    /// Checks and records the model in the index (after a rebuild cleared it) and learns which images are embedded.
    /// With <paramref name="replace"/> the embeddings of another model are deleted; without, they stop the run.
    /// <paramref name="reembedAll"/> (<c>--force</c> with no paths) deletes every embedding so that all images are embedded again.
    /// </summary>
    /// <exception cref="IndexMismatchException">The index holds another model's embeddings and <paramref name="replace"/> is false.</exception>
    public async Task PrepareIndexAsync(IIndexStore store, bool replace, bool reembedAll, CancellationToken cancellationToken)
    {
        if (await ClipModelRegistration.ReadAsync(store, cancellationToken).ConfigureAwait(false) is null)
        {
            await Registration.WriteAsync(store, cancellationToken).ConfigureAwait(false);
        }

        var recorded = await ClipModelRegistration.ReadEmbeddedModelAsync(store, cancellationToken).ConfigureAwait(false);
        if (recorded is not null && recorded != ModelId)
        {
            var location = (await store.GetInfoAsync(cancellationToken).ConfigureAwait(false)).Location;
            if (!replace)
            {
                throw new IndexMismatchException(
                    location,
                    $"The index at {location} holds CLIP embeddings made by another model (id {Short(recorded)}) than the registered one ({Registration.ModelDirectory}, id {Short(ModelId)}); " +
                    "embeddings of different models cannot be ranked together. Run `retrieval index --embed --force` to replace them with the registered model's, " +
                    "or register the model that made them again with `retrieval models add-clip`.",
                    [$"CLIP model was {recorded}, now {ModelId}"]);
            }

            await Store.DeleteEmbeddingsAsync(ModelId, cancellationToken).ConfigureAwait(false);
        }

        if (reembedAll)
        {
            await Store.DeleteEmbeddingsAsync(null, cancellationToken).ConfigureAwait(false);
        }

        await ClipModelRegistration.RecordEmbeddedModelAsync(store, fingerprint, cancellationToken).ConfigureAwait(false);
        await ClipModelRegistration.RecordFileStampsAsync(store, fingerprint, cancellationToken).ConfigureAwait(false);
        await store.SetSettingAsync(ClipModelRegistration.EmbeddedPrecisionKey, options.Precision.ToString(), cancellationToken).ConfigureAwait(false);
        embedded = await Store.EmbeddedImagesAsync(ModelId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the stored image <paramref name="imageId"/> already holds this model's embeddings.</summary>
    public bool IsEmbedded(long imageId) => embedded.Contains(imageId);

    public EmbedStage CreateStage() => new(encoder, ModelId, options);

    public void Dispose() => encoder.Dispose();

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not embedding new images: the index holds embeddings of another CLIP model than the registered {Directory}; run `retrieval index --embed --force` to replace them")]
    private static partial void LogOtherModel(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not embedding new images with the registered CLIP model {Directory}: {Error}")]
    private static partial void LogNotEmbedding(ILogger logger, string directory, string error);
}
