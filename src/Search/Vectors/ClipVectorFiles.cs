using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Retrieval.Search.Store;

namespace Retrieval.Search.Vectors;

/// <summary>A vector index, the embedding generation of the index it shows, and whether its file was just rebuilt.</summary>
internal sealed record OpenedVectors(ClipVectorIndex Index, long Generation, bool Rebuilt = false);

/// <summary>
/// The vector files of an index (<c>embeddings/MODEL.PRECISION.vec</c>, <see cref="ClipVectorFileFormat"/>), kept in
/// step with the embeddings stored in SQLite, which stay the source of truth. A file is used only when its header
/// matches the index's <see cref="EmbeddingState"/> (generation, rows, largest row id); one that is missing, stale or
/// damaged is rebuilt from the index first, with a log line that says why. Rebuilds of one file take turns within a
/// process and, through a lock file, across processes, so the second in line finds the file current instead of
/// building it again. When the folder cannot take a file, the vectors are read into memory instead (logged).
/// </summary>
public sealed partial class ClipVectorFiles(ILogger? logger = null)
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Building = new(StringComparer.Ordinal);
    private const string Missing = "missing";
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LockPatience = TimeSpan.FromMinutes(10);

    /// <summary>The vector file of <paramref name="modelId"/> at <paramref name="precision"/> in <paramref name="directory"/>.</summary>
    public static string PathFor(string directory, string modelId, EmbeddingPrecision precision) =>
        Path.Combine(directory, ClipVectorFileFormat.FileName(modelId, precision));

    /// <summary>See <see cref="ClipVectorIndex.OpenAsync"/>.</summary>
    public async Task<ClipVectorIndex> OpenAsync(IIndexStore store, string modelId, EmbeddingPrecision precision, CancellationToken cancellationToken = default) =>
        (await OpenWithGenerationAsync(store, modelId, precision, rebuild: true, cancellationToken).ConfigureAwait(false))!.Index;

    /// <summary>
    /// Rebuilds the file of <paramref name="modelId"/> at <paramref name="precision"/> when it is missing or not current
    /// (what a run that changed embeddings does at its end, so searchers find it ready); deletes it when the model has no
    /// embeddings. Returns true when it wrote the file.
    /// </summary>
    public async Task<bool> RefreshAsync(IEmbeddingStore store, string modelId, EmbeddingPrecision precision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.VectorFileDirectory is not { } directory)
        {
            return false;
        }

        var path = PathFor(directory, modelId, precision);
        var state = await store.GetEmbeddingStateAsync(modelId, cancellationToken).ConfigureAwait(false);
        if (state.Rows == 0)
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            return false;
        }

        if (Problem(path, modelId, precision, state) is null)
        {
            return false;
        }

        return await RebuildAsync(store, path, modelId, precision, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the vector files of models other than <paramref name="modelId"/> (left behind when the index changed model),
    /// and returns the precisions this model has files at.
    /// </summary>
    public static IReadOnlyList<EmbeddingPrecision> Tidy(IEmbeddingStore store, string modelId)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.VectorFileDirectory is not { } directory || !Directory.Exists(directory))
        {
            return [];
        }

        var found = new List<EmbeddingPrecision>();
        foreach (var precision in Enum.GetValues<EmbeddingPrecision>())
        {
            if (File.Exists(PathFor(directory, modelId, precision)))
            {
                found.Add(precision);
            }
        }

        var prefix = ClipVectorFileFormat.FileName(modelId, EmbeddingPrecision.Float32).Split('.')[0] + ".";
        foreach (var file in Directory.EnumerateFiles(directory, "*.vec").Where(f => !Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal)))
        {
            File.Delete(file);
        }

        return found;
    }

    /// <summary>
    /// The current vectors; null when the file is stale and <paramref name="rebuild"/> is false (a follower that rebuilt
    /// a moment ago waits). Int8 in memory (no vector file) is kept as float16.
    /// </summary>
    internal async Task<OpenedVectors?> OpenWithGenerationAsync(IIndexStore store, string modelId, EmbeddingPrecision precision, bool rebuild, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        if (store is not IEmbeddingStore embeddings || embeddings.VectorFileDirectory is not { } directory)
        {
            return new OpenedVectors(await LoadInMemoryAsync(store, modelId, precision, cancellationToken).ConfigureAwait(false), 0);
        }

        var state = await embeddings.GetEmbeddingStateAsync(modelId, cancellationToken).ConfigureAwait(false);
        if (state.Rows == 0)
        {
            return new OpenedVectors(new ClipVectorIndexBuilder(1, Memory(precision)).Build(), state.Generation);
        }

        var path = PathFor(directory, modelId, precision);
        if (TryOpen(path, modelId, precision, state, out var problem) is { } current)
        {
            return new OpenedVectors(new ClipVectorIndex(current), state.Generation);
        }

        if (!rebuild)
        {
            return null;
        }

        if (logger is not null && problem == Missing)
        {
            LogBuilding(logger, path);
        }
        else if (logger is not null)
        {
            LogRebuilding(logger, path, problem!);
        }

        try
        {
            await RebuildAsync(embeddings, path, modelId, precision, cancellationToken).ConfigureAwait(false);
            var built = MappedClipVectors.Open(path);
            if (built.Header.ModelId != modelId || built.Precision != precision)
            {
                built.Dispose();
                throw new ClipVectorFileException(path, "it holds another model or precision than was just written");
            }

            return new OpenedVectors(new ClipVectorIndex(built), built.Header.Generation, Rebuilt: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException && e is not ClipVectorFileException)
        {
            if (logger is not null)
            {
                LogInMemory(logger, path, e.Message);
            }

            return new OpenedVectors(await LoadInMemoryAsync(store, modelId, precision, cancellationToken).ConfigureAwait(false), state.Generation);
        }
    }

    private static Task<ClipVectorIndex> LoadInMemoryAsync(IIndexStore store, string modelId, EmbeddingPrecision precision, CancellationToken cancellationToken) =>
        ClipVectorIndex.LoadAsync(store, modelId, Memory(precision), cancellationToken);

    private static EmbeddingPrecision Memory(EmbeddingPrecision precision) => precision == EmbeddingPrecision.Int8 ? EmbeddingPrecision.Float16 : precision;

    /// <summary>The mapped file when it is current for <paramref name="state"/>; otherwise null and why not.</summary>
    private static MappedClipVectors? TryOpen(string path, string modelId, EmbeddingPrecision precision, EmbeddingState state, out string? problem)
    {
        MappedClipVectors mapped;
        try
        {
            mapped = MappedClipVectors.Open(path);
        }
        catch (FileNotFoundException)
        {
            problem = Missing;
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            problem = Missing;
            return null;
        }
        catch (ClipVectorFileException e)
        {
            problem = $"unusable: {e.Problem}";
            return null;
        }
        catch (IOException e)
        {
            problem = $"unreadable: {e.Message}";
            return null;
        }

        problem = Stale(mapped.Header, modelId, precision, state);
        if (problem is null)
        {
            return mapped;
        }

        mapped.Dispose();
        return null;
    }

    /// <summary>Why the file at <paramref name="path"/> is not current, or null when it is.</summary>
    private static string? Problem(string path, string modelId, EmbeddingPrecision precision, EmbeddingState state)
    {
        using var mapped = TryOpen(path, modelId, precision, state, out var problem);
        return problem;
    }

    private static string? Stale(ClipVectorFileHeader header, string modelId, EmbeddingPrecision precision, EmbeddingState state)
    {
        if (header.ModelId != modelId || header.Layout.Precision != precision)
        {
            return $"made for another model or precision ({header.ModelId[..Math.Min(12, header.ModelId.Length)]}, {header.Layout.Precision})";
        }

        return header.Generation == state.Generation && header.Layout.Rows == state.Rows && header.MaxId == state.MaxId
            ? null
            : $"stale (made at embedding generation {header.Generation} with {header.Layout.Rows} rows up to id {header.MaxId}; " +
              $"the index is at generation {state.Generation} with {state.Rows} rows up to id {state.MaxId})";
    }

    /// <summary>Builds the file from a snapshot, unless another builder made it current while this one waited its turn.</summary>
    private async Task<bool> RebuildAsync(IEmbeddingStore store, string path, string modelId, EmbeddingPrecision precision, CancellationToken cancellationToken)
    {
        var turn = Building.GetOrAdd(Path.GetFullPath(path), _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var crossProcess = await LockAsync(path + ".lock", cancellationToken).ConfigureAwait(false);
            await using var rows = await store.OpenEmbeddingRowsAsync(modelId, cancellationToken).ConfigureAwait(false);
            if (Problem(path, modelId, precision, rows.State) is null)
            {
                return false;
            }

            var clock = Stopwatch.StartNew();
            var written = await ClipVectorFileWriter.WriteAsync(path, rows, modelId, precision, cancellationToken).ConfigureAwait(false);
            if (written && logger is not null)
            {
                LogWritten(logger, path, rows.State.Rows, rows.State.Generation, clock.Elapsed.TotalSeconds);
            }

            return written;
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>An exclusive lock file (an advisory lock on Unix): another process building the same file holds it.</summary>
    /// <exception cref="IOException">Another process has held it for <see cref="LockPatience"/>.</exception>
    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(path) && clock.Elapsed < LockPatience)
            {
                await Task.Delay(LockPoll, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Building the CLIP vector file {Path} from the index")]
    private static partial void LogBuilding(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The CLIP vector file {Path} is {Problem}; rebuilding it from the index")]
    private static partial void LogRebuilding(ILogger logger, string path, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote the CLIP vector file {Path}: {Rows} rows, embedding generation {Generation}, in {Seconds:0.00} s")]
    private static partial void LogWritten(ILogger logger, string path, long rows, long generation, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write the CLIP vector file {Path} ({Error}); reading the vectors into memory instead")]
    private static partial void LogInMemory(ILogger logger, string path, string error);
}
