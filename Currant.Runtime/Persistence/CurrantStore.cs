using System.Buffers;
using System.Text;
using System.Text.Json;
using Currant.Persistence.Queries;
using Npgsql;
using NpgsqlTypes;

namespace Currant.Persistence;

/// <summary>The only type that talks to Npgsql. Every statement is a named constant in <c>Queries/</c>.</summary>
internal sealed partial class CurrantStore(NpgsqlDataSource dataSource, NpgsqlDataSource? relaxedDataSource = null)
{
    // Claims and heartbeats commit without waiting for the WAL flush (synchronous_commit=off in their transactions
    // only, WorkerQueries.RelaxedTransaction). Losing one in a database crash is harmless: a lost claim leaves the row pending (or running under
    // an attempt the fence rejects), a lost heartbeat is repeated. Results, enqueues and workflow commits stay
    // fully durable.
    private readonly NpgsqlDataSource _relaxed = relaxedDataSource ?? dataSource;

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>
    /// The error as jsonb text. NUL characters (which jsonb refuses) are replaced, so an exception message that
    /// carries one can never keep an outcome from being written.
    /// </summary>
    public static string SerializeError(ExecutionError error)
    {
        if (error.Message.Contains('\0', StringComparison.Ordinal) || error.StackTrace?.Contains('\0', StringComparison.Ordinal) == true
            || error.Type.Contains('\0', StringComparison.Ordinal))
        {
            error = error with
            {
                Type = error.Type.Replace('\0', '\uFFFD'),
                Message = error.Message.Replace('\0', '\uFFFD'),
                StackTrace = error.StackTrace?.Replace('\0', '\uFFFD'),
            };
        }

        return JsonSerializer.Serialize(error, InternalJsonContext.Default.ExecutionError);
    }

    public static ExecutionError? DeserializeError(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, InternalJsonContext.Default.ExecutionError);
        }
        catch (JsonException)
        {
            return new ExecutionError("Unknown", json, null);
        }
    }

    /// <summary>-1 when the schema is missing, else the newest applied migration.</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var exists = dataSource.CreateCommand(WorkerQueries.SchemaExists);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return -1;
        }

        await using var command = dataSource.CreateCommand(WorkerQueries.SchemaVersion);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkerQueries.Ping);
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts one execution (or finds the one with the same idempotency key) and wakes workers.</summary>
    public async Task<Guid> InsertAsync(NewExecution row, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        // Inside the caller's transaction, use its connection; otherwise one of our own for this call.
        await using var owned = transaction is null ? await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false) : null;
        var connection = owned ?? transaction!.Connection
            ?? throw new InvalidOperationException("The transaction has already completed; enqueue inside an open transaction.");

        var handOff = MayHandOff(row, transaction);
        Guid? id;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                id = await InsertOnceAsync(connection, transaction, row, handOff, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (PostgresException ex) when (transaction is null && ex.SqlState == PostgresErrorCodes.SerializationFailure && attempt < SerializationRetries)
            {
                // A database whose default isolation is stricter than READ COMMITTED may refuse the insert for what it
                // read (the hand-off's slot changed since the statement began; at SERIALIZABLE, rows that concurrent
                // enqueues and claims wrote). The batch was its own transaction and nothing was written: end the aborted
                // block and insert again, pending without the hand-off, after a short random pause that lets the
                // conflicting transactions finish. Inside the caller's transaction the error is the caller's to retry.
                await using (var rollback = new NpgsqlCommand("ROLLBACK", connection))
                {
                    await rollback.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                handOff = false;
                await Task.Delay(Random.Shared.Next(1, SerializationPauseMs(attempt)), cancellationToken).ConfigureAwait(false);
            }
        }

        if (id is { } inserted)
        {
            return inserted;
        }

        // The idempotency key exists already: return the execution it names.
        await using var select = new NpgsqlCommand(ExecutionQueries.SelectByIdempotencyKey, connection, transaction);
        select.Parameters.AddWithValue("idempotency_key", row.IdempotencyKey!);
        return (Guid)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Idempotency key '{row.IdempotencyKey}' conflicted but no execution holds it."));
    }

    /// <summary>
    /// One try of <see cref="InsertAsync"/>: the hand-off insert or the plain one, and its announcement. A fresh batch
    /// each try (a reused one lost its parameters' binding, Npgsql 10.0.3). The id, or null when the idempotency key
    /// existed already.
    /// </summary>
    private static async Task<Guid?> InsertOnceAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, NewExecution row, bool handOff, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (handOff)
        {
            var insert = new NpgsqlBatchCommand(ExecutionQueries.InsertHandOff);
            AddInsertParameters(insert.Parameters, row);
            batch.BatchCommands.Add(insert);
            NotifyAfterCommit.Split(batch);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(ExecutionQueries.NotifyHandOff));
        }
        else
        {
            AddInsert(batch, row, ownTransaction: transaction is null);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetGuid(0) : null;
    }

    /// <summary>
    /// Inserts <paramref name="row"/> running under <paramref name="workerId"/>, a worker of this process that reserved
    /// a slot for it (<see cref="ExecutionQueries.InsertLocal"/>); true when it did, false when the row went pending
    /// because a claim would not have taken it at once. A pending row is announced after the insert's commit, in a
    /// round trip of its own: when that fails, the row is committed all the same and the workers' poll finds it, so the
    /// enqueue still succeeds. For rows <see cref="MayHandOff"/> accepts.
    /// </summary>
    public async Task<bool> InsertLocalAsync(NewExecution row, Guid workerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = new NpgsqlCommand(ExecutionQueries.InsertLocal, connection);
        AddInsertParameters(insert.Parameters, row);
        insert.Parameters.Add(new NpgsqlParameter<Guid>() { TypedValue = workerId });
        if ((bool)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return true;
        }

        try
        {
            await using var notify = new NpgsqlCommand(ExecutionQueries.NotifyPendingAfterCommit, connection);
            notify.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = row.Queue });
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            // Committed and pending: a lost announcement delays the row until a worker's poll, as a lost NOTIFY does.
        }

        return false;
    }

    /// <summary>
    /// The plain insert of <paramref name="row"/> and its announcement: after the insert's own commit when the batch is
    /// its own transaction (<see cref="NotifyAfterCommit"/>), else at the caller's commit, never for a rolled-back enqueue.
    /// </summary>
    private static void AddInsert(NpgsqlBatch batch, NewExecution row, bool ownTransaction)
    {
        batch.BatchCommands.Add(InsertCommand(row));
        if (ownTransaction)
        {
            NotifyAfterCommit.Split(batch);
        }

        batch.BatchCommands.Add(Announce(row, row.RunAt?.UtcDateTime, afterCommit: ownTransaction));
    }

    /// <summary>
    /// True when <paramref name="row"/> may be handed straight to an idle worker (<see cref="ExecutionQueries.InsertHandOff"/>)
    /// or started on a worker of the inserting process (<see cref="InsertLocalAsync"/>): a job or workflow due now,
    /// without an idempotency key (a repeat inserts nothing and must take no slot) and outside a caller's transaction
    /// (the slot it takes stays locked until the insert commits, which must not wait on the caller).
    /// </summary>
    internal static bool MayHandOff(NewExecution row, NpgsqlTransaction? transaction)
        => transaction is null && row.DueNow && row.IdempotencyKey is null && row.ParentId is null
           && row.Kind is ExecutionKind.Job or ExecutionKind.Workflow;

    /// <summary>
    /// The NOTIFY that tells listening workers of new rows like <paramref name="row"/>: claimable now, or due at the
    /// time the insert computes from <paramref name="runAt"/> (else now() plus the delay); <paramref name="afterCommit"/>
    /// when it follows the insert's own commit (<see cref="NotifyAfterCommit"/>).
    /// </summary>
    private static NpgsqlBatchCommand Announce(NewExecution row, DateTime? runAt, bool afterCommit)
    {
        var notify = new NpgsqlBatchCommand((row.DueNow, afterCommit) switch
        {
            (true, true) => ExecutionQueries.NotifyPendingAfterCommit,
            (true, false) => ExecutionQueries.NotifyPending,
            (false, true) => ExecutionQueries.NotifyDueAfterCommit,
            (false, false) => ExecutionQueries.NotifyDue,
        });
        notify.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = row.Queue });
        if (!row.DueNow)
        {
            notify.Parameters.Add(new NpgsqlParameter<DateTime?>() { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = runAt });
            notify.Parameters.Add(new NpgsqlParameter<TimeSpan>() { NpgsqlDbType = NpgsqlDbType.Interval, TypedValue = row.Delay });
        }

        return notify;
    }

    /// <summary>
    /// The insert of one execution, every column the row sets (<see cref="ExecutionQueries.InsertWithKey"/> when it
    /// has an idempotency key: a repeat is a no-op returning no row). Every single-row enqueue goes through it:
    /// <see cref="InsertAsync"/> and each run a schedule fires.
    /// </summary>
    private static NpgsqlBatchCommand InsertCommand(NewExecution row)
    {
        var insert = new NpgsqlBatchCommand(row.IdempotencyKey is null ? ExecutionQueries.Insert : ExecutionQueries.InsertWithKey);
        AddInsertParameters(insert.Parameters, row);
        return insert;
    }

    /// <summary>$1..$17 of <see cref="ExecutionQueries.Insert"/>, in order.</summary>
    private static void AddInsertParameters(NpgsqlParameterCollection p, NewExecution row)
    {
        p.Add(new NpgsqlParameter<Guid>() { TypedValue = row.Id });
        p.Add(new NpgsqlParameter<string>() { TypedValue = row.Kind.ToDb() });
        p.Add(new NpgsqlParameter<string>() { TypedValue = row.Name });
        p.Add(new NpgsqlParameter<string>() { TypedValue = row.Queue });
        p.Add(new NpgsqlParameter<int>() { TypedValue = row.Priority });
        p.Add(new NpgsqlParameter<byte[]>() { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = row.Arguments });
        p.Add(new NpgsqlParameter<int>() { TypedValue = row.MaxAttempts });
        p.Add(new NpgsqlParameter<int?>() { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = ToMilliseconds(row.Timeout) });
        p.Add(new NpgsqlParameter<DateTime?>() { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = row.RunAt?.UtcDateTime });
        p.Add(new NpgsqlParameter<TimeSpan>() { NpgsqlDbType = NpgsqlDbType.Interval, TypedValue = row.Delay });
        p.Add(new NpgsqlParameter<string?>() { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = row.IdempotencyKey });
        p.Add(new NpgsqlParameter<Guid?>() { NpgsqlDbType = NpgsqlDbType.Uuid, TypedValue = row.ParentId });
        p.Add(new NpgsqlParameter<int?>() { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = row.ParentSeq });
        p.Add(new NpgsqlParameter<string?>() { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = row.TraceContext });
        p.Add(new NpgsqlParameter<string?>() { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = row.RetryPolicy });
        p.Add(new NpgsqlParameter<int?>() { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = ToMilliseconds(row.HeartbeatTimeout) });
        p.Add(new NpgsqlParameter<string?>() { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = row.Tags });
    }

    internal static int? ToMilliseconds(TimeSpan? timeout)
        => timeout is { } t ? (int)Math.Min(int.MaxValue, Math.Max(1, t.TotalMilliseconds)) : null;

    /// <summary>
    /// Inserts the rows of one <c>QueueMany</c> call and wakes workers, all or nothing. Binary COPY when there are no
    /// idempotency keys; otherwise an unnest insert that skips keys already taken. Returns ids in input order.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> InsertManyAsync(NewExecutionBatch batch, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        if (transaction is not null)
        {
            // The caller's transaction carries the rows and the NOTIFY (delivered at its commit) alike.
            var connection = transaction.Connection
                ?? throw new InvalidOperationException("The transaction has already completed; enqueue inside an open transaction.");
            return await InsertManyAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false);
        }

        // Our own transaction, so the caller sees all or nothing. Without it COPY commits the rows by itself, and a
        // NOTIFY failing after it reports an error for rows that exist: a retry would enqueue them twice.
        await using var owned = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var ours = await owned.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var ids = await InsertManyAsync(owned, ours, batch, cancellationToken).ConfigureAwait(false);
        await ours.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ids;
    }

    private static async Task<IReadOnlyList<Guid>> InsertManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewExecutionBatch batch, CancellationToken cancellationToken)
    {
        IReadOnlyList<Guid> ids;
        var common = batch.Common;
        var runAt = common.RunAt?.UtcDateTime;
        if (batch.IdempotencyKeys is null)
        {
            // COPY cannot call now(): a delayed row's scheduled_at comes from the client's clock, and its NOTIFY says the same.
            runAt ??= common.DueNow ? null : DateTime.UtcNow + common.Delay;
            await CopyAsync(connection, batch, runAt, cancellationToken).ConfigureAwait(false);
            ids = batch.Ids;
        }
        else
        {
            ids = await InsertKeyedAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false);
        }

        await using var notify = new NpgsqlBatch(connection, transaction);
        if (common.Tags is { } tags)
        {
            // Tags are rare in bulk: one update of the rows just written keeps them out of the COPY encoding.
            var tag = new NpgsqlBatchCommand(ExecutionQueries.TagMany);
            tag.Parameters.AddWithValue("tags", NpgsqlDbType.Jsonb, tags);
            tag.Parameters.AddWithValue("ids", ids.ToArray());
            notify.BatchCommands.Add(tag);
        }

        notify.BatchCommands.Add(Announce(common, runAt, afterCommit: false));
        await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>
    /// Rows are encoded into chunks of this size and each chunk is handed to the socket in one write, so the server
    /// inserts one chunk while the next is encoded.
    /// </summary>
    private const int CopyChunkBytes = 64 * 1024;

    // Tries of an enqueue in its own transaction that the database refuses as a serialization failure (InsertAsync).
    // Five with pauses of a few milliseconds once ran out under 400 concurrent enqueues at SERIALIZABLE (the commit
    // refused each time); ten, with pauses that double up to 100 ms, wait out about half a second at most.
    private const int SerializationRetries = 10;

    /// <summary>The longest random pause before try <paramref name="attempt"/> + 1 of a refused enqueue: 4, 8, 16… up to 100 ms.</summary>
    private static int SerializationPauseMs(int attempt) => Math.Min(100, 2 << Math.Min(attempt, 6));

    /// <summary>Sends the rows of <paramref name="batch"/> due at <paramref name="scheduledAt"/> (null: due now, the column's default).</summary>
    private static async Task CopyAsync(NpgsqlConnection connection, NewExecutionBatch batch, DateTime? scheduledAt, CancellationToken cancellationToken)
    {
        var encoder = new ExecutionCopyEncoder(batch.Common, scheduledAt);
        var chunk = ArrayPool<byte>.Shared.Rent(Math.Max(CopyChunkBytes, 2 * encoder.FixedRowBytes));
        var copy = await connection.BeginRawBinaryCopyAsync(scheduledAt is null ? ExecutionQueries.CopyDueNow : ExecutionQueries.Copy, cancellationToken).ConfigureAwait(false);
        try
        {
            var used = ExecutionCopyEncoder.WriteHeader(chunk);
            var row = 0;
            while (true)
            {
                used = encoder.WriteRows(chunk, used, batch, ref row);
                if (row == batch.Count)
                {
                    break;
                }

                if (used > 0)
                {
                    await copy.WriteAsync(chunk.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
                    used = 0;
                    continue;
                }

                // Larger than a chunk on its own (arguments may be up to MaxPayloadBytes): its arguments go to the
                // stream as they are.
                var arguments = batch.Arguments[row];
                used = encoder.WriteRowStart(chunk, batch.Ids[row], arguments.Length);
                await copy.WriteAsync(chunk.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(arguments, cancellationToken).ConfigureAwait(false);
                used = encoder.WriteRowEnd(chunk);
                row++;
            }

            if (used + ExecutionCopyEncoder.TrailerBytes > chunk.Length)
            {
                await copy.WriteAsync(chunk.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
                used = 0;
            }

            used += ExecutionCopyEncoder.WriteTrailer(chunk.AsSpan(used));
            await copy.WriteAsync(chunk.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Disposing would end the COPY normally and insert the rows sent so far (inside a caller's transaction
            // that may still commit): cancel it instead. A broken connection cannot be cancelled; it is gone anyway.
            try
            {
                await copy.CancelAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or ObjectDisposedException or InvalidOperationException)
            {
            }

            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        // Ends the COPY: the server checks and inserts what it has not yet and reports errors (bad JSON) here.
        await copy.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<Guid>> InsertKeyedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewExecutionBatch batch, CancellationToken cancellationToken)
    {
        var common = batch.Common;
        var keys = batch.IdempotencyKeys!.ToArray();
        await using (var insert = new NpgsqlCommand(ExecutionQueries.InsertMany, connection, transaction))
        {
            var p = insert.Parameters;
            p.AddWithValue("ids", batch.Ids.ToArray());
            p.AddWithValue("args", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, batch.Arguments.Select(a => Encoding.UTF8.GetString(a)).ToArray());
            p.AddWithValue("keys", keys);
            p.AddWithValue("kind", common.Kind.ToDb());
            p.AddWithValue("name", common.Name);
            p.AddWithValue("queue", common.Queue);
            p.AddWithValue("priority", common.Priority);
            p.AddWithValue("max_attempts", common.MaxAttempts);
            p.AddWithValue("timeout_ms", NpgsqlDbType.Integer, ToMilliseconds(common.Timeout) ?? (object)DBNull.Value);
            p.AddWithValue("run_at", NpgsqlDbType.TimestampTz, common.RunAt?.UtcDateTime ?? (object)DBNull.Value);
            p.AddWithValue("delay", NpgsqlDbType.Interval, common.Delay);
            p.AddWithValue("trace_context", NpgsqlDbType.Text, common.TraceContext ?? (object)DBNull.Value);
            p.AddWithValue("retry_policy", NpgsqlDbType.Jsonb, common.RetryPolicy ?? (object)DBNull.Value);
            p.AddWithValue("heartbeat_timeout_ms", NpgsqlDbType.Integer, ToMilliseconds(common.HeartbeatTimeout) ?? (object)DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var ids = new Guid[batch.Count];
        await using var select = new NpgsqlCommand(ExecutionQueries.SelectIdsByKeys, connection, transaction);
        select.Parameters.AddWithValue("keys", keys);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids[reader.GetInt64(0) - 1] = reader.GetGuid(1);
        }

        return ids;
    }

    /// <summary>A kept connection for one producer's claims (synchronous_commit=off, see the field comment).</summary>
    public ClaimSession OpenClaimSession() => new(_relaxed);

    /// <summary>Writes a batch of outcomes in one statement; returns the ids the fence accepted.</summary>
    public async Task<HashSet<Guid>> CompleteAsync(Guid workerId, IReadOnlyList<Completion> completions, CancellationToken cancellationToken)
    {
        var n = completions.Count;
        var ids = new Guid[n];
        var fences = new int[n];
        var states = new string[n];
        var results = new string?[n];
        var errors = new string?[n];
        var retryIn = new TimeSpan?[n];
        var released = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var c = completions[i];
            ids[i] = c.Id;
            fences[i] = c.Fence;
            states[i] = c.State.ToDb();
            results[i] = c.Result;
            errors[i] = c.Error;
            retryIn[i] = c.RetryIn;
            released[i] = c.Released;
        }

        await using var command = dataSource.CreateCommand(ExecutionQueries.Complete);
        var p = command.Parameters;
        p.AddWithValue("ids", ids);
        p.AddWithValue("fences", fences);
        p.AddWithValue("states", states);
        p.AddWithValue("results", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, results);
        p.AddWithValue("errors", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, errors);
        p.AddWithValue("retry_in", NpgsqlDbType.Array | NpgsqlDbType.Interval, retryIn);
        p.AddWithValue("released", released);
        p.AddWithValue("worker_id", workerId);
        var accepted = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            accepted.Add(reader.GetGuid(0));
        }

        return accepted;
    }

    /// <summary>Writes one attempt's heartbeat (and its details unless null), fenced by worker and attempt.</summary>
    public async Task<ExecutionBeat> HeartbeatExecutionAsync(Guid id, Guid workerId, int attempt, string? details, CancellationToken cancellationToken)
    {
        // RelaxedTransaction first, as for the worker's own heartbeat: its commit does not wait for the WAL flush. A
        // database crash can lose the last fraction of a second of heartbeats; the next attempt then resumes from
        // slightly older details (heartbeats are progress hints, as in Temporal, not results).
        await using var batch = _relaxed.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(WorkerQueries.RelaxedTransaction));
        var command = new NpgsqlBatchCommand(ExecutionQueries.HeartbeatExecution);
        command.Parameters.Add(new NpgsqlParameter<Guid>() { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<Guid>() { TypedValue = workerId });
        command.Parameters.Add(new NpgsqlParameter<int>() { TypedValue = attempt });
        command.Parameters.Add(new NpgsqlParameter<string?>() { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = details });
        batch.BatchCommands.Add(command);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        object? cancel = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetBoolean(0) : null;
        return cancel switch
        {
            true => ExecutionBeat.CancelRequested,
            false => ExecutionBeat.Held,
            _ => ExecutionBeat.Lost,
        };
    }

    /// <summary>Fails (or reschedules) the running attempts whose heartbeat timeout passed; returns how many.</summary>
    public async Task<long> SweepHeartbeatsAsync(TimeSpan baseDelay, TimeSpan maxDelay, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ExecutionQueries.SweepHeartbeats);
        command.Parameters.AddWithValue("base_delay", baseDelay);
        command.Parameters.AddWithValue("max_delay", maxDelay);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetInt64(0);
    }

    public async Task ReleaseAllAsync(Guid workerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ExecutionQueries.ReleaseAll);
        command.Parameters.AddWithValue("worker_id", workerId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Upserts this worker's heartbeat; returns the running executions it holds that were asked to cancel or were
    /// claimed longer than <paramref name="orphanAfter"/> ago (handed off at their insert: <paramref name="handedOffAfter"/>).
    /// </summary>
    public async Task<List<HeldExecution>> HeartbeatAsync(Guid workerId, string hostname, int pid, string[] queues, TimeSpan orphanAfter, TimeSpan handedOffAfter,
        CancellationToken cancellationToken)
    {
        await using var batch = _relaxed.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(WorkerQueries.RelaxedTransaction));
        var command = new NpgsqlBatchCommand(WorkerQueries.Heartbeat);
        command.Parameters.AddWithValue("id", workerId);
        command.Parameters.AddWithValue("hostname", hostname);
        command.Parameters.AddWithValue("pid", pid);
        command.Parameters.AddWithValue("queues", queues);
        command.Parameters.AddWithValue("orphan_after", orphanAfter);
        command.Parameters.AddWithValue("handed_off_after", handedOffAfter);
        batch.BatchCommands.Add(command);
        var held = new List<HeldExecution>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held.Add(WorkerQueries.ReadHeld(reader));
        }

        return held;
    }

    public async Task DeleteWorkerAsync(Guid workerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkerQueries.Delete);
        command.Parameters.AddWithValue("id", workerId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the running executions of silent workers to the queue; returns how many.</summary>
    public async Task<long> RescueAsync(TimeSpan heartbeatTimeout, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkerQueries.Rescue);
        command.Parameters.AddWithValue("timeout", heartbeatTimeout);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetInt64(0);
    }

    public async Task<ExecutionInfo?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ExecutionQueries.SelectById);
        command.Parameters.Add(new NpgsqlParameter<Guid>() { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ExecutionQueries.ReadInfo(reader) : null;
    }

    public async Task<IReadOnlyList<ExecutionInfo>> ListAsync(ExecutionFilter filter, CancellationToken cancellationToken)
    {
        var tags = ExecutionTags.ToJson(filter.Tags);
        await using var command = dataSource.CreateCommand(tags is null ? ExecutionQueries.List : ExecutionQueries.ListByTags);
        var p = command.Parameters;
        if (tags is not null)
        {
            p.AddWithValue("tags", NpgsqlDbType.Jsonb, tags);
        }

        p.AddWithValue("queue", NpgsqlDbType.Text, filter.Queue ?? (object)DBNull.Value);
        p.AddWithValue("state", NpgsqlDbType.Text, filter.State?.ToDb() ?? (object)DBNull.Value);
        p.AddWithValue("kind", NpgsqlDbType.Text, filter.Kind?.ToDb() ?? (object)DBNull.Value);
        p.AddWithValue("name", NpgsqlDbType.Text, filter.Name ?? (object)DBNull.Value);
        p.AddWithValue("include_timers", filter.IncludeTimers);
        p.AddWithValue("limit", Math.Clamp(filter.Limit, 1, 10_000));
        var list = new List<ExecutionInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(ExecutionQueries.ReadInfo(reader));
        }

        return list;
    }

    /// <summary>Null when the execution does not exist or had finished; else its state after the request.</summary>
    public async Task<ExecutionState?> CancelAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ExecutionQueries.Cancel);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? StateNames.ParseState(reader.GetString(0)) : null;
    }
}
