using Retrieval.Search.Jobs;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;
using static Retrieval.Search.Tests.Store.StoreTestData;

namespace Retrieval.Search.Tests.PostgresWhenInstalled;

/// <summary>
/// Jobs whose documents are built in code from the path, without reading a file or running a model
/// (a stand-in for the indexing pipeline, which these tests do not need): every job's image has
/// <see cref="LinesPerImage"/> lines whose text names the job, so a reader can check whole images.
/// </summary>
internal static class ModelFreeJobs
{
    public const int LinesPerImage = 3;
    public const string Root = "/photos";

    private static readonly DateTimeOffset Epoch = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static string Path(int i) => $"/photos/job-{i:D5}.jpg";

    public static JobSource Source(int i, long size = 1000) => new(Path(i), Root, size + i, Epoch.AddSeconds(i));

    public static IReadOnlyList<JobSource> Sources(int count) => Enumerable.Range(0, count).Select(i => Source(i)).ToList();

    public static string Text(string path, int line) => $"{System.IO.Path.GetFileNameWithoutExtension(path)} line {line} exit";

    public static ImageDocument Document(JobLease lease) =>
        Image(lease.Path, Enumerable.Range(0, LinesPerImage).Select(l => Text(lease.Path, l)).ToArray()) with
        {
            Root = lease.Root,
            Size = lease.Size,
            Modified = lease.Modified,
        };

    /// <summary>Builds the job's document after <paramref name="work"/>, standing in for decoding and reading the image.</summary>
    public static JobProcessor Processor(TimeSpan work) => async (lease, ct) =>
    {
        await Task.Delay(work, ct);
        return [Document(lease)];
    };

    public static PostgresIndexOptions StoreOptions(string connectionString) => new() { ConnectionString = connectionString, MaxPoolSize = 6 };
}
