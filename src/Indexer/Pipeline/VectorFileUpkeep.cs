using Microsoft.Extensions.Logging;
using Retrieval.Search.Store;
using Retrieval.Search.Vectors;

namespace Retrieval.Indexer.Pipeline;

/// <summary>
/// Rewrites the index's CLIP vector files after a run that changed its embeddings (embedded images, or replaced or
/// pruned images that had some), so a searcher opening them next maps a current file instead of rebuilding it.
/// A current file is left alone (a header check and one count). The precision searchers use by default is always
/// kept; other precisions only when a file of them exists; files of models the index no longer holds are deleted.
/// A file that cannot be written is logged and left for the searcher to rebuild: the run's records are committed.
/// </summary>
internal static partial class VectorFileUpkeep
{
    public static async Task RefreshAsync(IIndexStore store, string? modelId, ILogger logger, CancellationToken cancellationToken)
    {
        if (store is not IEmbeddingStore embeddings || embeddings.VectorFileDirectory is null)
        {
            return;
        }

        modelId ??= await ClipModelRegistration.ReadEmbeddedModelAsync(store, cancellationToken).ConfigureAwait(false);
        if (modelId is null)
        {
            return;
        }

        var files = new ClipVectorFiles(logger);
        try
        {
            foreach (var precision in ClipVectorFiles.Tidy(embeddings, modelId).Append(new ClipChannelOptions().MemoryPrecision).Distinct())
            {
                await files.RefreshAsync(embeddings, modelId, precision, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogNotRefreshed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The CLIP vector files were not brought up to date ({Error}); searches rebuild them")]
    private static partial void LogNotRefreshed(ILogger logger, string error);
}
