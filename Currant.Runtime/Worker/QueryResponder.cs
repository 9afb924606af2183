using Currant.Persistence;
using Currant.Workflows;
using Microsoft.Extensions.Logging;

namespace Currant.Worker;

/// <summary>
/// Answers workflow queries (db/0007): a caller's row is announced on currant_query; the first worker serving the
/// queue to take it answers. The worker holding the workflow in memory takes it at once; the others wait a moment
/// first, so a cached instance answers when there is one and a replay elsewhere answers when its worker is gone.
/// </summary>
internal sealed class QueryResponder(CurrantStore store, Guid workerId, Func<string, bool> serves, WorkflowRunner workflows, ILogger logger, CancellationToken stopping)
{
    /// <summary>How long a worker without the workflow in memory lets the one holding it answer first.</summary>
    internal static readonly TimeSpan ReplayGrace = TimeSpan.FromMilliseconds(150);

    public void OnRequest(string payload)
    {
        var parts = payload.Split(' ', 3);
        if (parts.Length != 3 || !Guid.TryParse(parts[0], out var queryId) || !Guid.TryParse(parts[1], out var workflowId) || !serves(parts[2]))
        {
            return;
        }

        OnRequest(queryId, workflowId);
    }

    /// <summary>Answers a query of a queue this worker serves, unless another worker takes it first.</summary>
    public void OnRequest(Guid queryId, Guid workflowId) => _ = Task.Run(() => AnswerAsync(queryId, workflowId), CancellationToken.None);

    private async Task AnswerAsync(Guid queryId, Guid workflowId)
    {
        try
        {
            if (!workflows.Holds(workflowId))
            {
                await Task.Delay(ReplayGrace, stopping).ConfigureAwait(false);
            }

            if (await store.TakeQueryAsync(queryId, workerId, stopping).ConfigureAwait(false) is not { } query)
            {
                return;
            }

            string? result = null, error = null;
            try
            {
                var bytes = await workflows.QueryAsync(query, stopping).ConfigureAwait(false);
                result = bytes is null ? null : System.Text.Encoding.UTF8.GetString(bytes);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                error = CurrantStore.SerializeError(ExecutionError.From(ex is AggregateException { InnerException: { } inner } ? inner : ex, nonRetryable: true));
            }

            await store.AnswerQueryAsync(queryId, result, error, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or Npgsql.NpgsqlException)
        {
            // The caller times out with a clear message; a query is not durable.
            Log.QueryNotAnswered(logger, ex, queryId, workerId);
        }
    }
}
