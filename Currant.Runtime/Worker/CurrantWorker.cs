using Currant.Maintenance;
using Currant.Persistence;
using Currant.Worker;
using Currant.Workflows;
using Microsoft.Extensions.Logging;

namespace Currant;

/// <summary>
/// A worker: claims executions from its queues and runs them. Its roles follow River's split: a producer (claim
/// loop, slots, claim-ahead), one runner per kind (jobs and activities, workflows, timers), a completer (batched,
/// bounded write-back), a heartbeat service, and maintenance services (failover rescue). Dispose to shut down
/// gracefully.
/// </summary>
public sealed class CurrantWorker : IAsyncDisposable
{
    private static readonly TimeSpan ListenerReadyTimeout = TimeSpan.FromSeconds(10);

    private readonly CurrantClient _client;
    private readonly CurrantStore _store;
    private readonly WorkerOptions _options;
    private readonly string[] _queues;
    private readonly ILogger _logger;
    private readonly WakeAlarm _wake;
    private readonly Completer _completer;
    private readonly JobRunner _jobs;
    private readonly WorkflowRunner _workflows;
    private readonly Producer _producer;
    private readonly HeartbeatService _heartbeat;
    private readonly QueryResponder _queryResponder;
    private readonly IMaintenanceService[] _maintenance;
    private readonly Scheduler _scheduler;
    private readonly CancellationTokenSource _stopClaiming = new();
    private readonly CancellationTokenSource _stopLoops = new();
    private readonly CancellationTokenSource _abortRunning = new();
    private readonly List<Task> _loops = [];
    private Task? _claimLoop;
    private int _stopped;

    internal CurrantWorker(CurrantClient client, WorkerOptions options, IServiceProvider? services)
    {
        options.Validate();
        foreach (var conflict in ExecutionRegistry.ConflictMessages)
        {
            throw new InvalidOperationException(conflict);
        }

        _client = client;
        _store = client.Store;
        _options = options;
        _queues = options.Queues.Distinct(StringComparer.Ordinal).ToArray();
        _logger = client.LoggerFactory.CreateLogger("Currant.Worker");
        Id = Guid.CreateVersion7();
        services ??= EmptyServiceProvider.Instance;

        // Bounded: while the database is away, at most this many outcomes wait in memory; beyond it the runners
        // wait with their slots taken, so the producer claims nothing more.
        _wake = new WakeAlarm(options.TimeProvider);
        _completer = new Completer(_store, Id, Math.Max(1024, options.MaxConcurrency * 8), _logger, options.TimeProvider, _wake) { Finished = client.WakeWaiter };
        _jobs = new JobRunner(client, options, services, _completer, _logger, _abortRunning.Token) { WorkerId = Id };
        var dispatch = new RunnerDispatch(_jobs, new TimerRunner(_completer));
        _producer = new Producer(_store, Id, _queues, options, dispatch, _completer, _wake, _logger) { RunEnded = OnRunEnded };
        _workflows = new WorkflowRunner(client, Id, services, _logger, _producer, _completer) { Time = options.TimeProvider };
        dispatch.Workflows = _workflows;
        _jobs.Fuser = _workflows;
        _workflows.Activities = options.ActivitiesInActivation ? _jobs : null;
        _queryResponder = new QueryResponder(_store, Id, _producer.Serves, _workflows, _logger, _stopLoops.Token);
        _heartbeat = new HeartbeatService(_store, Id, _queues, options, _producer, _completer, _jobs, _logger);
        _maintenance = options.RetainCompleted is null && options.RetainFailed is null
            ? [new Rescuer(_store, options.HeartbeatInterval, options.HeartbeatTimeout, _logger), new HeartbeatSweeper(_store, options, _logger)]
            : [new Rescuer(_store, options.HeartbeatInterval, options.HeartbeatTimeout, _logger), new HeartbeatSweeper(_store, options, _logger), new Cleaner(_store, options, _logger)];
        _scheduler = new Scheduler(_store, _queues, options, _logger);
    }

    /// <summary>This worker's id, as stored in <c>currant.workers</c> and in the rows it holds.</summary>
    public Guid Id { get; }

    /// <summary>The options the worker runs with.</summary>
    public WorkerOptions Options => _options;

    /// <summary>Executions running right now.</summary>
    public int InFlight => _producer.Running;

    /// <summary>Activity outcomes this worker committed together with their workflow's next activation.</summary>
    internal long FusedSteps => _workflows.FusedSteps;

    /// <summary>
    /// A run here ended: its waiters of this client get the row it finished a workflow with, or are woken to read
    /// the outcome.
    /// </summary>
    private void OnRunEnded(Guid id)
    {
        if (_workflows.TakeFinished(id) is { } finished)
        {
            _client.HandOverOutcome(finished);
        }
        else
        {
            _client.WakeWaiter(id);
        }
    }

    /// <summary>Reserves a slot for an eager start of a row of <paramref name="queue"/> (<see cref="LocalWorkers"/>).</summary>
    internal bool TryReserveEagerStart(string queue) => _options.EagerStart && _producer.Serves(queue) && _producer.TryReserveLocalStart();

    /// <summary>True while <paramref name="id"/> is held here and its run has not ended (<see cref="Producer.RunningHere"/>).</summary>
    internal bool RunningHere(Guid id) => _producer.RunningHere(id);

    /// <summary>Runs the row an eager start inserted running here, or gives its reserved slot back (null).</summary>
    internal void EndEagerStart(ClaimedExecution? row)
    {
        if (row is null)
        {
            _producer.ReleaseSlot();
        }
        else
        {
            _producer.StartReserved(row);
        }
    }

    /// <summary>When the last heartbeat succeeded (by <see cref="WorkerOptions.TimeProvider"/>); null before the first.</summary>
    internal DateTimeOffset? LastHeartbeat => _heartbeat.LastBeat;

    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first heartbeat is awaited here so a database problem surfaces from StartWorkerAsync itself.
        await _heartbeat.BeatAsync(cancellationToken).ConfigureAwait(false);
        await ResumeParkedAsync(cancellationToken).ConfigureAwait(false);
        await RegisterDefinitionsAsync(cancellationToken).ConfigureAwait(false);
        // [Schedule] attributes: an invalid one stops the start here, with the class named, and takes the worker row
        // it just wrote along (no loop has started, so nothing else of this worker exists).
        try
        {
            await _scheduler.DeclareAsync(_client, ExecutionRegistry.All, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            await _store.DeleteWorkerAsync(Id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (!_options.PollOnly && _client.Listener is { } listener)
        {
            listener.Subscribe(OnNotification);
            listener.Reconnected += OnReconnected;
            listener.Disconnected += OnDisconnected;
            // LISTEN before the first claim: a row written before that claim is claimed or counted by its next-due
            // query, one written after it is announced to us. (A listener that cannot connect leaves it to the poll.)
            try
            {
                await listener.Ready.WaitAsync(ListenerReadyTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }

            _producer.AcceptsHandOffs = listener.Connected;
        }

        _completer.Start();
        _producer.AcceptEagerStarts();
        _claimLoop = Task.Run(() => _producer.RunAsync(_stopClaiming.Token), CancellationToken.None);
        _loops.Add(Task.Run(() => _heartbeat.RunAsync(_stopLoops.Token), CancellationToken.None));
        foreach (var service in _maintenance)
        {
            _loops.Add(Task.Run(() => RunMaintenanceAsync(service, _stopLoops.Token), CancellationToken.None));
        }

        _loops.Add(Task.Run(() => _scheduler.RunAsync(_stopLoops.Token), CancellationToken.None));
        _client.LocalWorkers.Add(this);

        if (_options.PollOnly || _client.Listener is null)
        {
            // Never hears currant_query: looks for its queues' queries on a poll instead.
            var queries = new QueryPoller(_store, _queues, _options.PollInterval, _queryResponder, _logger, _options.TimeProvider);
            _loops.Add(Task.Run(() => queries.RunAsync(_stopLoops.Token), CancellationToken.None));
        }

        Log.WorkerStarted(_logger, Id, string.Join(",", _queues), _options.MaxConcurrency);
    }

    /// <summary>
    /// Tells the database which jobs and workflows exist, with the settings the .NET client would enqueue them with,
    /// for <c>currant.enqueue()</c> (db/0011). Best effort, like <see cref="ResumeParkedAsync"/>: SQL callers see an
    /// unknown name until a worker that knows it starts.
    /// </summary>
    private async Task RegisterDefinitionsAsync(CancellationToken cancellationToken)
    {
        var definitions = ExecutionRegistry.All.Where(d => d.Kind is ExecutionKind.Job or ExecutionKind.Workflow).OrderBy(d => d.Name, StringComparer.Ordinal).ToArray();
        if (definitions.Length == 0)
        {
            return;
        }

        try
        {
            var rows = definitions.Select(d => _client.BuildRow(d, [], options: null, idempotencyKey: null)).ToArray();
            await _store.RegisterDefinitionsAsync(rows, definitions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or ArgumentException && !cancellationToken.IsCancellationRequested)
        {
            Log.RegisterDefinitionsFailed(_logger, ex);
        }
    }

    /// <summary>
    /// Gives parked workflows of this worker's queues another go (new code may fix them). Best effort: the heartbeat
    /// just proved the database answers, so a failure here is a dropped connection, and it must not kill a worker
    /// that is otherwise ready (seen under connection-kill fault tests).
    /// </summary>
    private async Task ResumeParkedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var resumed = await _store.ResumeParkedAsync(_queues, cancellationToken).ConfigureAwait(false);
            if (resumed > 0)
            {
                Log.ResumedParked(_logger, resumed, string.Join(",", _queues));
            }
        }
        catch (Npgsql.NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.ResumeParkedFailed(_logger, ex, string.Join(",", _queues));
        }
    }

    private void OnNotification(string channel, string payload)
    {
        if (channel == SharedNames.PendingChannel)
        {
            if (_producer.Serves(payload))
            {
                _producer.MarkWork();
            }
        }
        else if (channel == SharedNames.HandOffChannel)
        {
            if (HandOff.TryRead(payload, Id, out var row))
            {
                _producer.OnHandOff(row);
            }
        }
        else if (channel == SharedNames.DueChannel)
        {
            if (SharedNames.TryParseDue(payload, out var queue, out var dueIn) && _producer.Serves(queue))
            {
                _producer.WakeIn(dueIn);
                _scheduler.WakeIn(dueIn);
            }
        }
        else if (channel == SharedNames.CancelChannel && Guid.TryParse(payload, out var id))
        {
            _jobs.RequestCancel(id);
        }
        else if (channel == SharedNames.QueryChannel)
        {
            _queryResponder.OnRequest(payload);
        }
    }

    private void OnReconnected()
    {
        _producer.AcceptsHandOffs = true;
        _producer.MarkWork();
    }

    /// <summary>Rows handed to this worker now would never be heard of: stop offering the slot (and take it back).</summary>
    private void OnDisconnected() => _producer.AcceptsHandOffs = false;

    private async Task RunMaintenanceAsync(IMaintenanceService service, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var jitter = 0.5 + Random.Shared.NextDouble();
                await Task.Delay(service.Interval * jitter, _options.TimeProvider, stop).ConfigureAwait(false);
                await service.RunOnceAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Stops claiming, hands back rows claimed but not started, lets in-flight executions finish within
    /// <see cref="WorkerOptions.ShutdownGrace"/>, then cancels the rest and hands them back to the queue (their
    /// attempt is not counted).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _client.LocalWorkers.Remove(this);
        await _stopClaiming.CancelAsync().ConfigureAwait(false);
        if (_claimLoop is not null)
        {
            await _claimLoop.ConfigureAwait(false);
        }

        if (_client.Listener is { } listener)
        {
            listener.Unsubscribe(OnNotification);
            listener.Reconnected -= OnReconnected;
            listener.Disconnected -= OnDisconnected;
        }

        await _producer.HandBackBufferedAsync().ConfigureAwait(false);
        if (!await _producer.WaitIdleAsync(_options.ShutdownGrace, cancellationToken).ConfigureAwait(false))
        {
            Log.HandedBack(_logger, Id, _producer.Running);
            await _abortRunning.CancelAsync().ConfigureAwait(false);
            await _producer.WaitIdleAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }

        // While the database is away the outcomes wait; past the heartbeat timeout others rescue the rows anyway.
        var abandoned = await _completer.DrainAsync(_options.HeartbeatTimeout).ConfigureAwait(false);
        if ((_producer.Running > 0 || _producer.HandOffMissed) && abandoned == 0)
        {
            // Code that ignores its CancellationToken, or a row handed to us whose NOTIFY never came: hand the rows
            // back; late writes will be fenced out.
            try
            {
                await _store.ReleaseAllAsync(Id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
            {
                Log.HeartbeatFailed(_logger, ex, Id);
            }
        }

        await _stopLoops.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        _wake.Dispose();
        _scheduler.Dispose();

        if (abandoned == 0)
        {
            // Rows abandoned in an outage are still ours in the database: keep the worker row, so its stale
            // heartbeat tells the others to rescue them.
            try
            {
                await _store.DeleteWorkerAsync(Id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
            {
                Log.HeartbeatFailed(_logger, ex, Id);
            }
        }

        Log.WorkerStopped(_logger, Id);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopClaiming.Dispose();
        _stopLoops.Dispose();
        _abortRunning.Dispose();
    }
}
