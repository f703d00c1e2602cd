using System.Threading.Channels;

namespace Retrieval.Indexer.Pipeline;

/// <summary>
/// Runs one pipeline stage: <paramref name="parallelism"/> workers take items from the input channel,
/// transform them, and write results to the output channel (bounded, so a slow stage holds back the
/// ones before it). The output is completed when every worker is done, also on failure or cancellation,
/// so later stages drain what was already produced.
/// </summary>
internal static class StageRunner
{
    public static Task Run<TIn, TOut>(
        ChannelReader<TIn> input,
        ChannelWriter<TOut> output,
        int parallelism,
        Func<int, Func<TIn, CancellationToken, TOut>> createWorker,
        CancellationToken cancellationToken)
    {
        var workers = Enumerable.Range(0, parallelism).Select(i => Task.Run(
            async () =>
            {
                var work = createWorker(i);
                await foreach (var item in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    var result = work(item, cancellationToken);
                    await output.WriteAsync(result, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken)).ToArray();
        return CompleteWhenDone(workers, output);
    }

    public static Channel<T> Bounded<T>(int capacity) => Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
        SingleWriter = false,
    });

    private static async Task CompleteWhenDone<T>(Task[] workers, ChannelWriter<T> output)
    {
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete(e is OperationCanceledException ? null : e);
            throw;
        }
    }
}
