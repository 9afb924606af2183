using Currant.Persistence.Queries;
using Currant.Scheduling;
using Npgsql;
using NpgsqlTypes;

namespace Currant.Persistence;

internal sealed partial class CurrantStore
{
    public async Task<IReadOnlyList<ScheduleInfo>> ListSchedulesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ScheduleQueries.List);
        var list = new List<ScheduleInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(ScheduleQueries.ReadInfo(reader));
        }

        return list;
    }

    public async Task<ScheduleInfo?> GetScheduleAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ScheduleQueries.Get);
        command.Parameters.AddWithValue("name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ScheduleQueries.ReadInfo(reader) : null;
    }

    /// <summary>
    /// Creates or updates schedules in one transaction, each with its next fire time after the database's now (kept
    /// when the expression and time zone did not change), and, with <paramref name="deleteUndeclaredIn"/>, deletes the
    /// attribute schedules of those queues that are not among <paramref name="schedules"/>. Returns the stored rows
    /// and the names deleted.
    /// </summary>
    public async Task<(IReadOnlyList<ScheduleInfo> Stored, IReadOnlyList<string> Deleted)> UpsertSchedulesAsync(
        IReadOnlyList<NewSchedule> schedules, IReadOnlyList<string>? deleteUndeclaredIn, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        DateTime now;
        await using (var clock = new NpgsqlCommand(ScheduleQueries.Now, connection, transaction))
        {
            now = (DateTime)(await clock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var stored = new List<ScheduleInfo>();
        foreach (var schedule in schedules)
        {
            var spec = schedule.Spec;
            var next = schedule.Calendar.Next(now);
            await using var upsert = new NpgsqlCommand(ScheduleQueries.Upsert, connection, transaction);
            var p = upsert.Parameters;
            p.AddWithValue("name", schedule.Name);
            p.AddWithValue("target", schedule.Template.Target);
            p.AddWithValue("kind", schedule.Template.Kind.ToDb());
            p.AddWithValue("queue", schedule.Template.Queue);
            p.AddWithValue("priority", schedule.Template.Priority);
            p.Add(new NpgsqlParameter<string>("args", NpgsqlDbType.Jsonb) { TypedValue = schedule.Template.ArgumentsJson });
            p.AddWithValue("max_attempts", schedule.Template.MaxAttempts);
            p.Add(new NpgsqlParameter<int?>("timeout_ms", NpgsqlDbType.Integer) { TypedValue = schedule.Template.TimeoutMs });
            p.Add(new NpgsqlParameter<string?>("retry_policy", NpgsqlDbType.Jsonb) { TypedValue = schedule.Template.RetryPolicy });
            p.Add(new NpgsqlParameter<int?>("heartbeat_timeout_ms", NpgsqlDbType.Integer) { TypedValue = schedule.Template.HeartbeatTimeoutMs });
            p.Add(new NpgsqlParameter<string?>("tags", NpgsqlDbType.Jsonb) { TypedValue = schedule.Template.Tags });
            p.AddWithValue("cron", spec.Cron);
            p.AddWithValue("time_zone", spec.TimeZone);
            p.AddWithValue("overlap", spec.Overlap.ToDb());
            p.AddWithValue("catch_up", spec.CatchUp.ToDb());
            p.Add(new NpgsqlParameter<long?>("catch_up_window_ms", NpgsqlDbType.Bigint) { TypedValue = spec.CatchUpWindow is { } w ? (long)Math.Max(1, w.TotalMilliseconds) : null });
            p.AddWithValue("source", schedule.FromAttribute ? ScheduleNames.AttributeSource : ScheduleNames.ApiSource);
            p.Add(new NpgsqlParameter<DateTime?>("next_run_at", NpgsqlDbType.TimestampTz) { TypedValue = next });
            await using (var reader = await upsert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                stored.Add(ScheduleQueries.ReadInfo(reader));
            }

            await NotifyScheduleDueAsync(connection, transaction, stored[^1].Queue, stored[^1].NextRunAt, cancellationToken).ConfigureAwait(false);
        }

        var deleted = new List<string>();
        if (deleteUndeclaredIn is not null)
        {
            await using var delete = new NpgsqlCommand(ScheduleQueries.DeleteUndeclared, connection, transaction);
            delete.Parameters.AddWithValue("queues", deleteUndeclaredIn.ToArray());
            delete.Parameters.AddWithValue("declared", schedules.Select(s => s.Name).ToArray());
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                deleted.Add(reader.GetString(0));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (stored, deleted);
    }

    private static async Task NotifyScheduleDueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string queue, DateTimeOffset? due, CancellationToken cancellationToken)
    {
        if (due is not { } at)
        {
            return;
        }

        await using var notify = new NpgsqlCommand(ScheduleQueries.NotifyDue, connection, transaction);
        notify.Parameters.AddWithValue("queue", queue);
        notify.Parameters.Add(new NpgsqlParameter<DateTime>("due", NpgsqlDbType.TimestampTz) { TypedValue = at.UtcDateTime });
        await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pauses a schedule; false when no schedule has that name.</summary>
    public async Task<bool> PauseScheduleAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ScheduleQueries.Pause);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>
    /// Resumes a schedule from its next fire time after now (fire times passed while paused are not caught up);
    /// false when no schedule has that name.
    /// </summary>
    public async Task<bool> ResumeScheduleAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        ScheduleInfo? info;
        await using (var get = new NpgsqlCommand(ScheduleQueries.Get + " FOR UPDATE", connection, transaction))
        {
            get.Parameters.AddWithValue("name", name);
            await using var reader = await get.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            info = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ScheduleQueries.ReadInfo(reader) : null;
        }

        if (info is null)
        {
            return false;
        }

        DateTime now;
        await using (var clock = new NpgsqlCommand(ScheduleQueries.Now, connection, transaction))
        {
            now = (DateTime)(await clock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var next = ScheduleCalendar.Parse(info.Spec.Cron, info.Spec.TimeZone).Next(now);
        await using (var resume = new NpgsqlCommand(ScheduleQueries.Resume, connection, transaction))
        {
            resume.Parameters.AddWithValue("name", name);
            resume.Parameters.Add(new NpgsqlParameter<DateTime?>("next_run_at", NpgsqlDbType.TimestampTz) { TypedValue = next });
            await resume.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await NotifyScheduleDueAsync(connection, transaction, info.Queue, next, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Enqueues one run of a schedule now (paused or not, whatever still runs); null when no schedule has that name.</summary>
    public async Task<Guid?> TriggerScheduleAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        ScheduleTemplate? template;
        await using (var lockRow = new NpgsqlCommand(ScheduleQueries.LockForTrigger, connection, transaction))
        {
            lockRow.Parameters.AddWithValue("name", name);
            await using var reader = await lockRow.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            template = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ScheduleQueries.ReadTemplate(reader, 0, 7) : null;
        }

        if (template is null)
        {
            return null;
        }

        var id = Guid.CreateVersion7();
        await using var batch = new NpgsqlBatch(connection, transaction);
        // A trigger has no fire time: its key is its own id, unique by construction.
        batch.BatchCommands.Add(InsertRun(template, id, $"schedule:{name}:trigger:{id}"));
        var record = new NpgsqlBatchCommand(ScheduleQueries.RecordTrigger);
        record.Parameters.AddWithValue("id", id);
        record.Parameters.AddWithValue("name", name);
        batch.BatchCommands.Add(record);
        batch.BatchCommands.Add(NotifyPending(template.Queue));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>Deletes a schedule (its runs stay); false when no schedule has that name.</summary>
    public async Task<bool> DeleteScheduleAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ScheduleQueries.Delete);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>How long until the next schedule of <paramref name="queues"/> is due (null: none), and whether a fire time is buffered.</summary>
    public async Task<(TimeSpan? NextDue, bool AnyBuffered)> NextScheduleDueAsync(string[] queues, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ScheduleQueries.NextDue);
        command.Parameters.AddWithValue("queues", queues);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.IsDBNull(0) ? null : reader.GetFieldValue<TimeSpan>(0), reader.GetBoolean(1));
    }

    /// <summary>
    /// One scheduler pass: locks up to <paramref name="limit"/> due schedules of <paramref name="queues"/> (skipping
    /// those another worker holds), lets <paramref name="decide"/> choose each one's fire times, and in the same
    /// transaction enqueues a run per fire time and advances the schedule. Returns the schedules handled and the runs
    /// enqueued.
    /// </summary>
    public async Task<(int Schedules, int Runs)> FireDueSchedulesAsync(string[] queues, int limit, Func<DueSchedule, ScheduleDecision?> decide, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<DueSchedule>();
        await using (var select = new NpgsqlCommand(ScheduleQueries.LockDue, connection, transaction))
        {
            select.Parameters.AddWithValue("queues", queues);
            select.Parameters.AddWithValue("limit", limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                due.Add(ScheduleQueries.ReadDue(reader));
            }
        }

        if (due.Count == 0)
        {
            return (0, 0);
        }

        var runs = 0;
        var announce = new HashSet<string>(StringComparer.Ordinal);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var schedule in due)
        {
            if (decide(schedule) is not { } decision)
            {
                continue;
            }

            var lastId = schedule.LastExecutionId;
            foreach (var fire in decision.Fires)
            {
                var id = Guid.CreateVersion7();
                batch.BatchCommands.Add(InsertRun(schedule.Template, id, ScheduleNames.RunKey(schedule.Name, fire)));
                lastId = id;
                runs++;
                announce.Add(schedule.Template.Queue);
            }

            var advance = new NpgsqlBatchCommand(ScheduleQueries.Advance);
            advance.Parameters.AddWithValue("name", schedule.Name);
            advance.Parameters.Add(new NpgsqlParameter<DateTime?>("next_run_at", NpgsqlDbType.TimestampTz) { TypedValue = decision.NextRunAt });
            advance.Parameters.Add(new NpgsqlParameter<DateTime?>("buffered_at", NpgsqlDbType.TimestampTz) { TypedValue = decision.BufferedAt });
            advance.Parameters.Add(new NpgsqlParameter<DateTime?>("last_run_at", NpgsqlDbType.TimestampTz) { TypedValue = decision.LastRunAt });
            advance.Parameters.Add(new NpgsqlParameter<Guid?>("last_execution_id", NpgsqlDbType.Uuid) { TypedValue = lastId });
            batch.BatchCommands.Add(advance);
        }

        foreach (var queue in announce)
        {
            batch.BatchCommands.Add(NotifyPending(queue));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (due.Count, runs);
    }

    /// <summary>One run of a schedule, through the insert every enqueue uses; the key makes a fire time enqueue at most once.</summary>
    private static NpgsqlBatchCommand InsertRun(ScheduleTemplate template, Guid id, string key) => InsertCommand(template.ToExecution(id, key));

    private static NpgsqlBatchCommand NotifyPending(string queue)
    {
        var notify = new NpgsqlBatchCommand(ScheduleQueries.NotifyPending);
        notify.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = queue });
        return notify;
    }
}
