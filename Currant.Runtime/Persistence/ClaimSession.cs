using Currant.Persistence.Queries;
using Npgsql;

namespace Currant.Persistence;

/// <summary>
/// The connection a producer keeps for its claims. Renting a pooled connection for every claim costs more than the
/// claim itself when the worker is mostly idle (measured at one claim per 20 ms: 1.25 ms through the pool against
/// 0.5 ms on a kept connection), and a kept connection keeps the claim statements prepared. A failed claim drops the
/// connection; the next claim opens a fresh one.
/// </summary>
/// <remarks>
/// Each claim carries <see cref="ExecutionQueries.NextDue"/> in the same batch (no extra round trip; one implicit
/// transaction, so the two see the same now()): the producer arms its alarm with it.
/// </remarks>
internal sealed class ClaimSession(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;

    /// <summary>
    /// Claims up to <paramref name="limit"/> due executions of <paramref name="queues"/> for one attempt each, and
    /// reads when the next of their rows that is not due yet will be.
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(Guid workerId, string[] queues, int limit, CancellationToken cancellationToken)
    {
        try
        {
            _connection ??= await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            // A fresh batch each time (a reused NpgsqlBatch lost its parameters' binding on the second run, Npgsql
            // 10.0.3); the statements stay prepared on the kept connection all the same (auto-prepare, by text).
            await using var batch = new NpgsqlBatch(_connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(WorkerQueries.ClaimTransaction) { Parameters = { new NpgsqlParameter<string[]>("queues", queues) } },
                    new NpgsqlBatchCommand(ExecutionQueries.Claim)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<string[]>("queues", queues),
                            new NpgsqlParameter<int>("limit", limit),
                            new NpgsqlParameter<Guid>("worker_id", workerId),
                        },
                    },
                    new NpgsqlBatchCommand(ExecutionQueries.NextDue) { Parameters = { new NpgsqlParameter<string[]>("queues", queues) } },
                },
            };
            var claimed = new List<ClaimedExecution>(limit);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claimed.Add(ExecutionQueries.ReadClaimed(reader));
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var nextDue = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ExecutionQueries.ReadNextDue(reader) : null;
            return new ClaimResult(claimed, nextDue);
        }
        catch
        {
            await DropAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task DropAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    public ValueTask DisposeAsync() => new(DropAsync());
}
