using System.CommandLine;
using System.Globalization;
using Retrieval.Indexer.Cli;
using Retrieval.Search.Jobs;
using Retrieval.Search.Store;
using Retrieval.Search.Store.Postgres;

namespace Retrieval.Indexer.Commands;

/// <summary>
/// <c>retrieval status [--store LOCATION | --index DIR]</c>: what the index holds, its failures, and for
/// PostgreSQL the job queue: jobs queued, leased, done and parked, and images/s across and per worker.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var index = CommonOptions.Index();
        var store = CommonOptions.Store();
        var failures = new Option<int>("--failures") { Description = "How many failed images and parked jobs to list.", DefaultValueFactory = _ => 10 };
        var command = new Command("status", "Show what the index holds and, for PostgreSQL, the progress of the indexer workers.") { index, store, failures };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(store) ?? parse.GetRequiredValue(index), parse.GetValue(failures), Console.Out, ct));
        return command;
    }

    public static async Task<int> RunAsync(string location, int failureCount, TextWriter output, CancellationToken cancellationToken)
    {
        await using var store = await IndexStoreFactory.OpenAsync(location, readOnly: true, rebuild: false, cancellationToken).ConfigureAwait(false);
        var info = await store.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var counts = await store.GetCountsAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Index {info.Location} (schema {info.SchemaVersion}, folding {info.Folding})");
        output.WriteLine(Invariant($"  {counts.Images} images ({counts.Failed} failed, {counts.Incomplete} incomplete), {counts.Lines} lines, {counts.Words} words"));
        foreach (var failure in await store.ListFailuresAsync(failureCount, cancellationToken).ConfigureAwait(false))
        {
            output.WriteLine($"  {failure.Status}: {failure.Key}: {failure.Error}");
        }

        if (store is not PostgresIndexStore postgres)
        {
            return 0;
        }

        var queue = new PostgresJobQueue(postgres);
        var status = await queue.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine(Invariant($"Jobs: {status.Queued} queued, {status.Leased} leased, {status.Done} done, {status.Failed} parked; {status.ImagesPerSecond:0.00} images/s over the last {queue.Options.RateWindow.TotalSeconds:0} s"));
        foreach (var worker in status.Workers)
        {
            output.WriteLine(Invariant($"  worker {worker.WorkerId}: {worker.Completed} done, {worker.ImagesPerSecond:0.00} images/s"));
        }

        foreach (var parked in await queue.ListFailedAsync(failureCount, cancellationToken).ConfigureAwait(false))
        {
            output.WriteLine($"  parked after {parked.Attempts} attempts: {parked.Path}: {parked.Error}");
        }

        return 0;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
