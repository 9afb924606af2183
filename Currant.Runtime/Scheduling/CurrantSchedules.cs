using System.ComponentModel;
using System.Text;
using Currant.Persistence;
using Currant.Scheduling;

namespace Currant;

/// <summary>
/// Manages schedules: <c>client.Schedules</c>. Schedules come from <c>[Schedule]</c> attributes (created when a worker
/// of their queue starts) or from the generated <c>X.Schedule(name, cron, args…)</c>; workers of the schedule's queue
/// fire them, each fire time exactly once.
/// </summary>
public sealed class CurrantSchedules
{
    private readonly CurrantClient _client;

    internal CurrantSchedules(CurrantClient client) => _client = client;

    /// <summary>Every schedule, by name.</summary>
    public Task<IReadOnlyList<ScheduleInfo>> ListAsync(CancellationToken cancellationToken = default)
        => _client.Store.ListSchedulesAsync(cancellationToken);

    /// <summary>One schedule, or null when none has that name.</summary>
    public Task<ScheduleInfo?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _client.Store.GetScheduleAsync(name, cancellationToken);
    }

    /// <summary>Stops a schedule from firing until <see cref="ResumeAsync"/>; false when none has that name.</summary>
    public Task<bool> PauseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _client.Store.PauseScheduleAsync(name, cancellationToken);
    }

    /// <summary>
    /// Lets a paused schedule fire again from its next fire time after now (fire times passed while it was paused are
    /// not caught up); false when none has that name.
    /// </summary>
    public Task<bool> ResumeAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _client.Store.ResumeScheduleAsync(name, cancellationToken);
    }

    /// <summary>
    /// Enqueues one run now, paused or not and whatever still runs (the overlap policy is for fire times); the
    /// schedule's fire times are unchanged. Returns the run's id; throws <see cref="InvalidOperationException"/> when
    /// no schedule has that name.
    /// </summary>
    public async Task<Guid> TriggerAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return await _client.Store.TriggerScheduleAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"No schedule is named '{name}'.");
    }

    /// <summary>
    /// Deletes a schedule; its runs stay. False when none has that name. A <c>[Schedule]</c> attribute's schedule comes
    /// back at the next start of a worker of its queue unless the attribute is removed.
    /// </summary>
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _client.Store.DeleteScheduleAsync(name, cancellationToken);
    }

    /// <summary>
    /// Creates the schedule <paramref name="name"/>, or updates it (a changed expression or time zone restarts its
    /// fire times from now; a pause survives), to enqueue <paramref name="definition"/> with
    /// <paramref name="arguments"/> at each fire time of <paramref name="spec"/>. Generated <c>X.Schedule(…)</c> calls it.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Advanced)]
    public async Task<ScheduleInfo> UpsertAsync(string name, ScheduleSpec spec, ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        var schedule = Build(_client, name, spec, definition, arguments, options, fromAttribute: false);
        var (stored, _) = await _client.Store.UpsertSchedulesAsync([schedule], deleteUndeclaredIn: null, cancellationToken).ConfigureAwait(false);
        return stored[0];
    }

    /// <summary>Checks everything a schedule holds and builds the row; throws <see cref="ArgumentException"/> naming the problem.</summary>
    internal static NewSchedule Build(CurrantClient client, string name, ScheduleSpec spec, ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options, bool fromAttribute)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(arguments);
        Names.CheckScheduleName(name, nameof(name));
        if (definition.Kind is not (ExecutionKind.Job or ExecutionKind.Workflow))
        {
            throw new ArgumentException($"'{definition.Name}' is an {definition.Kind.ToString().ToLowerInvariant()}; only jobs and workflows can be scheduled.", nameof(definition));
        }

        if (options is { Delay: not null } or { RunAt: not null } or { IdempotencyKey: not null } or { Transaction: not null })
        {
            throw new ArgumentException(
                "A schedule takes queue, priority, timeout, retries, retryPolicy, heartbeatTimeout and tags from Options(...); delay, runAt, idempotencyKey and transaction do not apply (each run is keyed by its fire time).",
                nameof(options));
        }

        var calendar = ScheduleCalendar.Parse(spec.Cron, spec.TimeZone);
        if (spec.CatchUpWindow is { } window && window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), window, "The catch-up window must be positive (or null for no limit).");
        }

        var row = client.BuildRow(definition, arguments, options, idempotencyKey: null);
        var template = new ScheduleTemplate(row.Name, row.Kind, row.Queue, row.Priority, Encoding.UTF8.GetString(row.Arguments), row.MaxAttempts, CurrantStoreTimeout(row.Timeout),
            row.RetryPolicy, CurrantStoreTimeout(row.HeartbeatTimeout), row.Tags);
        return new NewSchedule(name, template, spec, calendar, fromAttribute);
    }

    private static int? CurrantStoreTimeout(TimeSpan? timeout) => CurrantStore.ToMilliseconds(timeout);
}
