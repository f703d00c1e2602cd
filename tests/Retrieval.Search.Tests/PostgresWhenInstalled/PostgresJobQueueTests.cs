using Npgsql;
using Retrieval.Search.Jobs;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;
using Retrieval.TestSupport.Postgres;
using Xunit.Abstractions;
using static Retrieval.Search.Tests.PostgresWhenInstalled.ModelFreeJobs;

namespace Retrieval.Search.Tests.PostgresWhenInstalled;

/// <summary>The job queue's contract, call by call, with documents built without models.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresJobQueueTests(PostgresCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private string? database;
    private PostgresIndexStore? store;

    public async Task InitializeAsync()
    {
        if (cluster.SkipReason is null)
        {
            database = await cluster.CreateIndexDatabaseAsync();
            store = await PostgresIndexStore.OpenAsync(StoreOptions(database));
        }
    }

    public async Task DisposeAsync()
    {
        if (store is not null)
        {
            await store.DisposeAsync();
            await cluster.DropDatabaseAsync(database!);
        }
    }

    [Fact]
    public async Task Enqueue_adds_new_paths_requeues_changed_ones_and_records_what_the_index_already_holds()
    {
        if (Skipped())
        {
            return;
        }

        var queue = Queue();
        (await queue.EnqueueAsync(Sources(5))).Should().Be(new EnqueueResult(5, 0, 0, 0));
        (await queue.EnqueueAsync(Sources(5))).Should().Be(new EnqueueResult(0, 0, 0, 5));
        (await queue.EnqueueAsync([Source(1, size: 5000), Source(1, size: 6000)])).Should().Be(new EnqueueResult(0, 1, 0, 0));

        // An image indexed earlier (say by a plain `retrieval index`) with the same size and time is done already.
        var indexed = Source(7);
        await store!.WriteAsync([Document(new JobLease(0, indexed.Path, indexed.Root, indexed.Size, indexed.Modified, 1, "w", DateTimeOffset.UtcNow))]);
        (await queue.EnqueueAsync([indexed])).Should().Be(new EnqueueResult(0, 0, 1, 0));
        (await queue.EnqueueAsync(Sources(5), force: true)).Should().Be(new EnqueueResult(0, 5, 0, 0));

        var status = await queue.GetStatusAsync();
        (status.Queued, status.Done, status.Total).Should().Be((5, 1, 6));
    }

    [Fact]
    public async Task Leases_are_exclusive_and_completing_commits_the_images_with_the_job()
    {
        if (Skipped())
        {
            return;
        }

        var queue = Queue();
        await queue.EnqueueAsync(Sources(5));

        var first = await queue.LeaseAsync("w1", 3);
        var second = await queue.LeaseAsync("w2", 3);

        first.Select(l => l.JobId).Intersect(second.Select(l => l.JobId)).Should().BeEmpty();
        (first.Count, second.Count).Should().Be((3, 2));
        first.Should().OnlyContain(l => l.Attempt == 1 && l.WorkerId == "w1" && l.ExpiresAt > DateTimeOffset.UtcNow);
        (await queue.LeaseAsync("w3", 3)).Should().BeEmpty();

        (await queue.CompleteAsync(first[0], [Document(first[0])])).Should().BeTrue();

        var image = await store!.FindImageAsync(first[0].Key);
        image.Should().NotBeNull();
        (await store.GetImageLinesAsync(image!.Id)).Select(l => l.Text).Should().Equal(Text(first[0].Path, 0), Text(first[0].Path, 1), Text(first[0].Path, 2));
        var status = await queue.GetStatusAsync();
        (status.Queued, status.Leased, status.Done, status.Failed).Should().Be((0, 4, 1, 0));
        var steal = () => queue.CompleteAsync(first[1] with { WorkerId = "w2" }, [Document(first[1])]);
        (await steal.Should().ThrowAsync<JobLeaseLostException>()).Which.JobId.Should().Be(first[1].JobId);
        (await store.FindImageAsync(first[1].Key)).Should().BeNull();
    }

    [Fact]
    public async Task An_expired_lease_goes_to_the_next_worker_and_its_old_holder_can_no_longer_complete_it()
    {
        if (Skipped())
        {
            return;
        }

        var queue = Queue(lease: TimeSpan.FromSeconds(1));
        await queue.EnqueueAsync(Sources(1));
        var stale = (await queue.LeaseAsync("dead", 1)).Single();

        await Task.Delay(TimeSpan.FromSeconds(1.3));
        var taken = (await queue.LeaseAsync("alive", 1)).Single();

        taken.Should().BeEquivalentTo(new { stale.JobId, Attempt = 2, WorkerId = "alive" });
        (await queue.HeartbeatAsync("dead", [stale.JobId])).Should().BeEmpty();
        var late = () => queue.CompleteAsync(stale, [Document(stale)]);
        await late.Should().ThrowAsync<JobLeaseLostException>();
        (await store!.GetCountsAsync()).Images.Should().Be(0);
        (await queue.CompleteAsync(taken, [Document(taken)])).Should().BeTrue();
        (await store.GetCountsAsync()).Images.Should().Be(1);
    }

    [Fact]
    public async Task Heartbeats_keep_a_lease_past_its_duration()
    {
        if (Skipped())
        {
            return;
        }

        var queue = Queue(lease: TimeSpan.FromSeconds(1));
        await queue.EnqueueAsync(Sources(1));
        var lease = (await queue.LeaseAsync("w1", 1)).Single();

        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            (await queue.HeartbeatAsync("w1", [lease.JobId, 424242])).Should().Equal(lease.JobId);
        }

        (await queue.LeaseAsync("w2", 1)).Should().BeEmpty();
        (await queue.CompleteAsync(lease, [Document(lease)])).Should().BeTrue();
    }

    [Fact]
    public async Task A_job_that_keeps_failing_is_parked_with_its_error_and_can_be_retried()
    {
        if (Skipped())
        {
            return;
        }

        var queue = Queue(maxAttempts: 2);
        await queue.EnqueueAsync(Sources(2));

        var lease = (await queue.LeaseAsync("w1", 1)).Single();
        (await queue.FailAsync(lease, "decoder crashed once")).Should().Be(JobState.Queued);
        var again = (await queue.LeaseAsync("w1", 1)).Single();
        again.Should().BeEquivalentTo(new { lease.JobId, Attempt = 2 });
        (await queue.FailAsync(again, "decoder crashed twice")).Should().Be(JobState.Failed);

        var failed = await queue.ListFailedAsync(10);
        failed.Should().ContainSingle().Which.Should().BeEquivalentTo(new { lease.JobId, lease.Path, Attempts = 2, Error = "decoder crashed twice" });
        var next = (await queue.LeaseAsync("w1", 5)).Single();
        next.JobId.Should().NotBe(lease.JobId);
        (await queue.EnqueueAsync([Source(0)])).Unchanged.Should().Be(1, "a parked job stays parked while its file is unchanged");

        (await queue.RetryFailedAsync()).Should().Be(1);
        (await queue.LeaseAsync("w1", 5)).Single().Should().BeEquivalentTo(new { lease.JobId, Attempt = 1 });
    }

    [Fact]
    public async Task A_job_whose_worker_dies_on_every_attempt_is_parked_after_the_last_one()
    {
        if (Skipped())
        {
            return;
        }

        var queue = Queue(lease: TimeSpan.FromSeconds(1), maxAttempts: 2);
        await queue.EnqueueAsync(Sources(1));
        (await queue.LeaseAsync("first", 1)).Should().ContainSingle();
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        (await queue.LeaseAsync("second", 1)).Single().Attempt.Should().Be(2);
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        (await queue.LeaseAsync("third", 1)).Should().BeEmpty();

        var parked = (await queue.ListFailedAsync(10)).Single();
        parked.Error.Should().Contain("lease expired after attempt 2 of 2");
        (await queue.GetStatusAsync()).Should().BeEquivalentTo(new { Queued = 0L, Leased = 0L, Failed = 1L, Drained = true });
    }

    [Fact]
    public async Task Releasing_gives_a_job_back_without_using_an_attempt_and_a_repeated_completion_is_recognized()
    {
        if (Skipped())
        {
            return;
        }

        var queue = Queue();
        await queue.EnqueueAsync(Sources(1));
        var lease = (await queue.LeaseAsync("w1", 1)).Single();
        (await queue.ReleaseAsync(lease)).Should().BeTrue();
        (await queue.ReleaseAsync(lease)).Should().BeFalse();

        var again = (await queue.LeaseAsync("w2", 1)).Single();
        again.Attempt.Should().Be(1);
        (await queue.CompleteAsync(again, [Document(again)])).Should().BeTrue();

        // The reply to the first commit was lost, so the worker completes again: nothing is written twice.
        (await queue.CompleteAsync(again, [Document(again)])).Should().BeFalse();
        (await store!.GetCountsAsync()).Images.Should().Be(1);
        (await queue.HasPendingAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task Status_counts_jobs_by_state_and_measures_images_per_second_per_worker()
    {
        if (Skipped())
        {
            return;
        }

        var queue = Queue();
        await queue.EnqueueAsync(Sources(6));
        foreach (var worker in new[] { "w1", "w2" })
        {
            foreach (var lease in await queue.LeaseAsync(worker, 2))
            {
                await queue.CompleteAsync(lease, [Document(lease)]);
            }
        }

        await Task.Delay(200);
        var status = await queue.GetStatusAsync();

        (status.Queued, status.Leased, status.Done, status.Failed).Should().Be((2, 0, 4, 0));
        status.Workers.Select(w => (w.WorkerId, w.Completed)).Should().Equal(("w1", 2), ("w2", 2));
        status.Workers.Should().OnlyContain(w => w.ImagesPerSecond > 0);
        status.ImagesPerSecond.Should().BeGreaterThan(0);
        output.WriteLine($"{status.ImagesPerSecond:F1} images/s");
    }

    [Fact]
    public async Task A_queue_on_a_read_only_store_reports_status_but_leases_nothing_and_options_are_checked()
    {
        if (Skipped())
        {
            return;
        }

        await Queue().EnqueueAsync(Sources(2));
        await using var reader = await PostgresIndexStore.OpenAsync(StoreOptions(database!) with { ReadOnly = true });
        var observer = new PostgresJobQueue(reader);

        (await observer.GetStatusAsync()).Queued.Should().Be(2);
        var lease = () => observer.LeaseAsync("w1", 1);
        (await lease.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("read-only");
        ((Action)(() => _ = new PostgresJobQueue(store!, new JobQueueOptions { LeaseDuration = TimeSpan.Zero, MaxAttempts = 0 })))
            .Should().Throw<ArgumentException>().Which.Message.Should().Contain("LeaseDuration").And.Contain("MaxAttempts");
    }

    private PostgresJobQueue Queue(TimeSpan? lease = null, int maxAttempts = 3) =>
        new(store!, new JobQueueOptions { LeaseDuration = lease ?? TimeSpan.FromMinutes(1), MaxAttempts = maxAttempts });

    private bool Skipped()
    {
        if (cluster.SkipReason is { } reason)
        {
            output.WriteLine($"Skipped: {reason}");
            return true;
        }

        return false;
    }
}
