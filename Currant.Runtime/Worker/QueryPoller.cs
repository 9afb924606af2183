using Currant.Persistence;
using Microsoft.Extensions.Logging;

namespace Currant.Worker;

/// <summary>
/// Queries for a worker that does not LISTEN (<see cref="WorkerOptions.PollOnly"/>, e.g. behind PgBouncer in
/// transaction mode, or a client without a listen connection): it never hears currant_query, so it looks in
/// currant.queries for the untaken queries of its queues every poll interval (at most <see cref="MaxInterval"/>,
/// since a caller waits 10 s by default) and answers them as a listening worker would (first to take one wins).
/// </summary>
internal sealed class QueryPoller(CurrantStore store, string[] queues, TimeSpan pollInterval, QueryResponder responder, ILogger logger, TimeProvider time)
{
    /// <summary>The longest wait between two looks, whatever the poll interval.</summary>
    internal static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(500);

    private const int Batch = 50;

    public async Task RunAsync(CancellationToken stop)
    {
        var interval = pollInterval < MaxInterval ? pollInterval : MaxInterval;
        var asked = new HashSet<Guid>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var pending = await store.PendingQueriesAsync(queues, Batch, stop).ConfigureAwait(false);
                // A query handed over on the previous look may still be within the responder's grace: not twice.
                var seen = new HashSet<Guid>();
                foreach (var (queryId, workflowId) in pending)
                {
                    seen.Add(queryId);
                    if (!asked.Contains(queryId))
                    {
                        responder.OnRequest(queryId, workflowId);
                    }
                }

                asked = seen;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException && !stop.IsCancellationRequested)
            {
                Log.QueryPollFailed(logger, ex);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(interval, time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
