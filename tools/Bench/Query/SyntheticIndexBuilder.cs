using System.Globalization;
using System.Text.Json;
using Retrieval.Search.Store;

namespace Retrieval.Bench.Query;

/// <summary>An index of the synthetic collection at one size, with what building it up to that size cost.</summary>
internal sealed record ScaleSnapshot(int TargetLines, string Directory, long Images, long Lines, long Bytes, double BuildWallSeconds, double BuildCpuSeconds)
{
    public const string FileName = "build.json";

    public static ScaleSnapshot? TryLoad(string directory)
    {
        var path = Path.Combine(directory, FileName);
        return File.Exists(path) && File.Exists(Path.Combine(directory, SqliteIndexOptions.FileName))
            ? JsonSerializer.Deserialize<ScaleSnapshot>(File.ReadAllText(path))
            : null;
    }

    public void Save() => File.WriteAllText(Path.Combine(Directory, FileName), JsonSerializer.Serialize(this));
}

/// <summary>
/// Writes the <see cref="SyntheticCollection"/> through <see cref="SqliteIndexStore.WriteAsync"/>
/// (the indexer's path: lattice alternatives, both FTS5 gram tables, words) in batches of whole
/// images, into one growing index. Each time it passes a target line count it closes the index
/// (which checkpoints the WAL into the file), records size and cumulative build time, and copies
/// the file to <c>lines-N</c>, so every size can be searched later without rebuilding.
/// </summary>
internal static class SyntheticIndexBuilder
{
    public static string SnapshotDirectory(string scratch, int target) =>
        Path.Combine(scratch, "lines-" + target.ToString(CultureInfo.InvariantCulture));

    public static async Task<IReadOnlyList<ScaleSnapshot>> BuildAsync(
        SyntheticCollection collection, IndexInfo source, string scratch, IReadOnlyList<int> targets, int batchImages, TextWriter log, CancellationToken cancellationToken)
    {
        var work = Path.Combine(scratch, "work");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        var options = new SqliteIndexOptions { Directory = work };
        var snapshots = new List<ScaleSnapshot>();
        var pending = new Queue<int>(targets.Order());
        long lines = 0, images = 0;
        double wallSeconds = 0, cpuSeconds = 0;
        var store = SqliteIndexStore.Open(options);
        try
        {
            await store.EnsureModelsAsync(source.Models, source.Folding, rebuild: false, cancellationToken).ConfigureAwait(false);
            var batch = new List<ImageDocument>(batchImages);
            var batchLines = 0;
            var nextLog = 100_000L;
            var copy = 0;
            while (pending.Count > 0)
            {
                foreach (var document in collection.Copy(copy))
                {
                    batch.Add(document);
                    batchLines += document.Lines.Count;
                    if (batch.Count < batchImages && lines + batchLines < pending.Peek())
                    {
                        continue;
                    }

                    var (wall, cpu) = await TimedWriteAsync(store, batch, cancellationToken).ConfigureAwait(false);
                    wallSeconds += wall;
                    cpuSeconds += cpu;
                    lines += batchLines;
                    images += batch.Count;
                    batch.Clear();
                    batchLines = 0;
                    if (lines >= nextLog)
                    {
                        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  written {lines:N0} lines, {images:N0} images in {wallSeconds:F0} s ({cpuSeconds:F0} s CPU); {LatencyReport.LoadAverage()}"));
                        nextLog += 100_000;
                    }

                    if (lines >= pending.Peek())
                    {
                        var target = pending.Dequeue();
                        await store.DisposeAsync().ConfigureAwait(false);
                        var snapshot = new ScaleSnapshot(target, SnapshotDirectory(scratch, target), images, lines, IndexFiles.Bytes(Path.Combine(work, SqliteIndexOptions.FileName)), wallSeconds, cpuSeconds);
                        IndexFiles.CopyTo(Path.Combine(work, SqliteIndexOptions.FileName), snapshot.Directory);
                        snapshot.Save();
                        snapshots.Add(snapshot);
                        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  snapshot {snapshot.Directory}: {lines:N0} lines, {snapshot.Bytes / (double)lines:F0} B/line"));
                        if (pending.Count == 0)
                        {
                            break;
                        }

                        store = SqliteIndexStore.Open(options);
                    }
                }

                copy++;
            }
        }
        finally
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        Directory.Delete(work, recursive: true);
        return snapshots;
    }

    private static async Task<(double Wall, double Cpu)> TimedWriteAsync(SqliteIndexStore store, List<ImageDocument> batch, CancellationToken cancellationToken)
    {
        var cpu = CpuClock.NowMilliseconds();
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        await store.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        return (System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds, (CpuClock.NowMilliseconds() - cpu) / 1000);
    }
}
