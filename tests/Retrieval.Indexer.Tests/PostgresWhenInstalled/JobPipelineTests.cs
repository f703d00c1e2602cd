using Microsoft.Extensions.Logging.Abstractions;
using Retrieval.Indexer.Commands;
using Retrieval.Indexer.Pipeline;
using Retrieval.Search.Jobs;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;
using Retrieval.TestSupport;
using Retrieval.TestSupport.Postgres;
using Xunit.Abstractions;

namespace Retrieval.Indexer.Tests.PostgresWhenInstalled;

/// <summary>Every test that needs PostgreSQL shares one throwaway cluster; without the binaries they return early, printing why.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL cluster";
}

/// <summary>The indexing pipeline in worker mode, with the real models on dev photos.</summary>
[Collection(PostgresCollection.Name)]
public sealed class JobPipelineTests(PostgresCluster cluster, ITestOutputHelper output)
{
    [IcdarDevDataFact]
    public async Task A_pipeline_worker_indexes_queued_photos_with_the_models_and_status_reports_the_queue()
    {
        if (cluster.SkipReason is { } reason)
        {
            output.WriteLine($"Skipped: {reason}");
            return;
        }

        var database = await cluster.CreateIndexDatabaseAsync();
        try
        {
            await using var store = await PostgresIndexStore.OpenAsync(new PostgresIndexOptions { ConnectionString = database, MaxPoolSize = 4 });
            var queue = new PostgresJobQueue(store);
            var photos = new[] { 100, 101, 102 }.Select(IcdarDevData.ImagePath).Select(p => new FileInfo(p)).ToList();
            await queue.EnqueueAsync(photos.Select(f => new JobSource(f.FullName, f.DirectoryName!, f.Length, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero))));

            var summary = await new JobPipeline(queue, new IndexingOptions(), NullLoggerFactory.Instance)
                .RunAsync(new IndexWorkerOptions { WorkerId = "pipeline-worker", MaxInFlight = 2, LeaseBatch = 2 }, CancellationToken.None);

            output.WriteLine($"{summary.Images} images in {summary.Elapsed.TotalSeconds:0.0} s, {summary.DatabaseTimePerImage.TotalMilliseconds:0.0} ms database time per image");
            summary.Should().BeEquivalentTo(new { Completed = 3L, Images = 3L, Failed = 0L, LeasesLost = 0L });
            foreach (var photo in photos)
            {
                var image = await store.FindImageAsync(ImageKey.ForFile(photo.FullName));
                image.Should().NotBeNull();
                image!.Should().BeEquivalentTo(new { Status = ImageStatus.Ok, Size = photo.Length, Width = 1280, Height = 720 });
            }

            (await store.GetCountsAsync()).Lines.Should().BePositive();
            (await store.GetInfoAsync()).Models.Should().NotBeEmpty("the worker records the models it indexes with");

            var report = new StringWriter();
            (await StatusCommand.RunAsync(database, 5, report, CancellationToken.None)).Should().Be(0);
            output.WriteLine(report.ToString());
            report.ToString().Should().Contain("0 queued, 0 leased, 3 done, 0 parked").And.Contain("worker pipeline-worker: 3 done");
        }
        finally
        {
            await cluster.DropDatabaseAsync(database);
        }
    }
}
