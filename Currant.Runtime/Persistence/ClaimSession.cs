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
/// The session sends the plain claim (<see cref="ExecutionQueries.Claim"/>) until the batch's first statement says a
/// queue control or a per-key limit applies (<see cref="WorkerQueries.ControlsApply"/>), then the limited one
/// (<see cref="ExecutionQueries.ClaimLimited"/>) until it says none does: queues without controls never pay for
/// counting room. When the plain claim came back empty because a control had just been set, it claims again at once.
/// </remarks>
internal sealed class ClaimSession(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;
    private bool _limited;

    /// <summary>
    /// Claims up to <paramref name="limit"/> due executions of <paramref name="queues"/> for one attempt each, and
    /// reads when the next of their rows that is not due yet will be. <paramref name="keepSlot"/>: how long the worker's
    /// heartbeat counts as fresh, while the producer believes its hand-off slot advertised (the batch puts the slot
    /// back if it is gone, <see cref="WorkerQueries.KeepSlot"/>); null otherwise.
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(Guid workerId, string[] queues, int limit, TimeSpan? keepSlot, CancellationToken cancellationToken)
    {
        var limited = _limited;
        var result = await ClaimOnceAsync(workerId, queues, limit, limited, keepSlot, cancellationToken).ConfigureAwait(false);
        if (!limited && _limited && result.Rows.Count == 0)
        {
            result = await ClaimOnceAsync(workerId, queues, limit, limited: true, keepSlot: null, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<ClaimResult> ClaimOnceAsync(Guid workerId, string[] queues, int limit, bool limited, TimeSpan? keepSlot, CancellationToken cancellationToken)
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
                    new NpgsqlBatchCommand(limited ? ExecutionQueries.ClaimLimited : ExecutionQueries.Claim)
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
            if (keepSlot is { } freshFor)
            {
                batch.BatchCommands.Add(SlotCommand(WorkerQueries.KeepSlot, workerId, queues, freshFor));
            }

            var claimed = new List<ClaimedExecution>(limit);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _limited = reader.GetBoolean(3);
            }

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

    /// <summary>
    /// Advertises one free slot of <paramref name="workerId"/> for hand-offs (<see cref="WorkerQueries.Advertise"/>),
    /// to enqueues while its heartbeat is younger than <paramref name="freshFor"/>. False when the worker's row is gone.
    /// </summary>
    public Task<bool> AdvertiseAsync(Guid workerId, string[] queues, TimeSpan freshFor, CancellationToken cancellationToken)
        => OnConnectionAsync(async connection =>
        {
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { SlotCommand(WorkerQueries.Advertise, workerId, queues, freshFor) } };
            return await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <summary>
    /// Takes the advertised slot back (<see cref="WorkerQueries.Withdraw"/>): false when an enqueue took it first, so
    /// a row is on its way to this worker.
    /// </summary>
    public Task<bool> WithdrawAsync(Guid workerId, CancellationToken cancellationToken)
        => OnConnectionAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(WorkerQueries.Withdraw, connection);
            command.Parameters.Add(new NpgsqlParameter<Guid>("worker_id", workerId));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not false;
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> on the kept connection (opened when missing); a failure drops it.</summary>
    private async Task<T> OnConnectionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            _connection ??= await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(_connection).ConfigureAwait(false);
        }
        catch
        {
            await DropAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static NpgsqlBatchCommand SlotCommand(string sql, Guid workerId, string[] queues, TimeSpan freshFor) => new(sql)
    {
        Parameters =
        {
            new NpgsqlParameter<Guid>("worker_id", workerId),
            new NpgsqlParameter<string[]>("queues", queues),
            new NpgsqlParameter<TimeSpan>("fresh_for", freshFor),
        },
    };

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
