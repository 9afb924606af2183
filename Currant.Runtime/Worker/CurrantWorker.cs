using System.Collections.Concurrent;
using Currant.Maintenance;
using Currant.Persistence;
using Currant.Worker;
using Microsoft.Extensions.Logging;

namespace Currant;

/// <summary>
/// Claims executions from its queues and runs them (producer → executor → completer, as River splits them), sends
/// heartbeats, and rescues the work of silent workers. Dispose to shut down gracefully.
/// </summary>
public sealed class CurrantWorker : IAsyncDisposable
{
    private readonly CurrantClient _client;
    private readonly CurrantStore _store;
    private readonly WorkerOptions _options;
    private readonly string[] _queues;
    private readonly ILogger _logger;
    private readonly Executor _executor;
    private readonly Completer _completer;
    private readonly Rescuer _rescuer;
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _stopClaiming = new();
    private readonly CancellationTokenSource _stopLoops = new();
    private readonly CancellationTokenSource _abortRunning = new();
    private readonly ConcurrentDictionary<Guid, Task> _inFlight = new();
    private int _freeSlots;
    private long _lastHeartbeatTicks;
    private volatile bool _queueMayHaveWork = true;
    private int _wakeups;
    private int _delayedWake;
    private volatile bool _heartbeatHealthy = true;
    private Task? _producer;
    private Task? _heartbeat;
    private Task? _maintenance;
    private int _disposed;

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
        _freeSlots = options.MaxConcurrency;
        Id = Guid.CreateVersion7();
        _completer = new Completer(_store, Id, _logger, options.TimeProvider);
        _executor = new Executor(client, options, services ?? EmptyServiceProvider.Instance, _completer, _logger, _abortRunning.Token);
        _executor.Workflows = new Workflows.WorkflowRunner(client, Id, services ?? EmptyServiceProvider.Instance, _logger,
            new Workflows.WorkflowHooks(
                queue => Array.IndexOf(_queues, queue) >= 0,
                TryReserveSlot,
                () => ReleaseSlot(),
                StartClaimed,
                MarkWork));
        _rescuer = new Rescuer(_store, options.HeartbeatTimeout, _logger);
    }

    /// <summary>This worker's id, as stored in <c>currant.workers</c> and in the rows it holds.</summary>
    public Guid Id { get; }

    /// <summary>The options the worker runs with.</summary>
    public WorkerOptions Options => _options;

    /// <summary>Executions running right now.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>When the last heartbeat succeeded (by <see cref="WorkerOptions.TimeProvider"/>); null before the first.</summary>
    internal DateTimeOffset? LastHeartbeat => Volatile.Read(ref _lastHeartbeatTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    internal void Start()
    {
        // The first heartbeat is synchronous so a database problem surfaces from StartWorker itself.
        _store.HeartbeatAsync(Id, Environment.MachineName, Environment.ProcessId, _queues, CancellationToken.None).GetAwaiter().GetResult();
        Volatile.Write(ref _lastHeartbeatTicks, _options.TimeProvider.GetUtcNow().UtcTicks);
        var resumed = _store.ResumeParkedAsync(_queues, CancellationToken.None).GetAwaiter().GetResult();
        if (resumed > 0)
        {
            Log.ResumedParked(_logger, resumed, string.Join(",", _queues));
        }
        if (!_options.PollOnly && _client.Listener is { } listener)
        {
            listener.Subscribe(OnNotification);
            listener.Reconnected += OnReconnected;
        }

        _completer.Start();
        _producer = Task.Run(ProduceAsync);
        _heartbeat = Task.Run(HeartbeatLoopAsync);
        _maintenance = Task.Run(MaintenanceLoopAsync);
        Log.WorkerStarted(_logger, Id, string.Join(",", _queues), _options.MaxConcurrency);
    }

    private void OnNotification(string channel, string payload)
    {
        if (channel == NotificationListener.PendingChannel)
        {
            if (Array.IndexOf(_queues, payload) >= 0)
            {
                MarkWork();
            }
        }
        else if (channel == NotificationListener.CancelChannel && Guid.TryParse(payload, out var id))
        {
            _executor.RequestCancel(id);
        }
    }

    private void OnReconnected() => MarkWork();

    /// <summary>Something may be claimable: counted, so a wake-up that lands during a claim is not lost.</summary>
    private void MarkWork()
    {
        Interlocked.Increment(ref _wakeups);
        _queueMayHaveWork = true;
        _wake.Set();
    }

    private async Task ProduceAsync()
    {
        var stop = _stopClaiming.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var free = Volatile.Read(ref _freeSlots);
                if (free > 0 && _heartbeatHealthy && _queueMayHaveWork)
                {
                    var seen = Volatile.Read(ref _wakeups);
                    var claimed = await _store.ClaimAsync(Id, _queues, free, stop).ConfigureAwait(false);
                    CurrantDiagnostics.RecordClaim(claimed.Count);
                    // A short batch means the queue is drained for now, unless a NOTIFY arrived while we claimed.
                    _queueMayHaveWork = claimed.Count == free || Volatile.Read(ref _wakeups) != seen;
                    foreach (var row in claimed)
                    {
                        Interlocked.Decrement(ref _freeSlots);
                        StartClaimed(row);
                    }

                    if (_queueMayHaveWork && Volatile.Read(ref _freeSlots) > 0)
                    {
                        continue;
                    }
                }

                var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
                if (!await _wake.WaitAsync(_options.PollInterval * jitter, stop).ConfigureAwait(false))
                {
                    _queueMayHaveWork = true;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.ClaimFailed(_logger, ex, Id);
                try
                {
                    await Task.Delay(_options.PollInterval, _options.TimeProvider, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Runs a row this worker holds; its slot is already taken and is given back when it ends.</summary>
    private void StartClaimed(ClaimedExecution row)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = Task.Run(async () =>
        {
            await started.Task.ConfigureAwait(false);
            await RunAsync(row).ConfigureAwait(false);
        });
        _inFlight[row.Id] = task;
        started.SetResult();
    }

    private bool TryReserveSlot()
    {
        var free = Volatile.Read(ref _freeSlots);
        while (free > 0)
        {
            var seen = Interlocked.CompareExchange(ref _freeSlots, free - 1, free);
            if (seen == free)
            {
                return true;
            }

            free = seen;
        }

        return false;
    }

    private void ReleaseSlot()
    {
        var free = Interlocked.Increment(ref _freeSlots);
        if (!_queueMayHaveWork)
        {
            return;
        }

        // Claim in batches while the queue is busy: wake at once when half the slots are free, otherwise a moment
        // later, so short executions finishing one by one do not each cost a claim round trip.
        if (free * 2 >= _options.MaxConcurrency)
        {
            _wake.Set();
        }
        else if (Interlocked.Exchange(ref _delayedWake, 1) == 0)
        {
            _ = Task.Delay(2).ContinueWith(
                static (_, state) =>
                {
                    var worker = (CurrantWorker)state!;
                    Volatile.Write(ref worker._delayedWake, 0);
                    worker._wake.Set();
                },
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task RunAsync(ClaimedExecution row)
    {
        try
        {
            await _executor.RunAsync(row).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(row.Id, out _);
            ReleaseSlot();
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        var stop = _stopLoops.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.HeartbeatInterval, _options.TimeProvider, stop).ConfigureAwait(false);
                var cancelled = await _store.HeartbeatAsync(Id, Environment.MachineName, Environment.ProcessId, _queues, stop).ConfigureAwait(false);
                Volatile.Write(ref _lastHeartbeatTicks, _options.TimeProvider.GetUtcNow().UtcTicks);
                if (!_heartbeatHealthy)
                {
                    _heartbeatHealthy = true;
                    _wake.Set();
                }

                foreach (var id in cancelled)
                {
                    _executor.RequestCancel(id);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Without a heartbeat others may soon take our work: stop claiming more until we are back.
                _heartbeatHealthy = false;
                Log.HeartbeatFailed(_logger, ex, Id);
            }
        }
    }

    private async Task MaintenanceLoopAsync()
    {
        var stop = _stopLoops.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var jitter = 0.5 + Random.Shared.NextDouble();
                await Task.Delay(_options.HeartbeatInterval * jitter, _options.TimeProvider, stop).ConfigureAwait(false);
                await _rescuer.RunOnceAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Stops claiming, lets in-flight executions finish within <see cref="WorkerOptions.ShutdownGrace"/>, then
    /// cancels the rest and hands them back to the queue (their attempt is not counted).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopClaiming.CancelAsync().ConfigureAwait(false);
        if (_producer is not null)
        {
            await _producer.ConfigureAwait(false);
        }

        if (_client.Listener is { } listener)
        {
            listener.Unsubscribe(OnNotification);
            listener.Reconnected -= OnReconnected;
        }

        var running = _inFlight.Values.ToArray();
        var finished = await WaitAllAsync(running, _options.ShutdownGrace, cancellationToken).ConfigureAwait(false);
        if (!finished)
        {
            Log.HandedBack(_logger, Id, _inFlight.Count);
            await _abortRunning.CancelAsync().ConfigureAwait(false);
            await WaitAllAsync(_inFlight.Values.ToArray(), TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }

        await _completer.DrainAsync().ConfigureAwait(false);
        if (!_inFlight.IsEmpty)
        {
            // Code that ignores its CancellationToken: hand its rows back; its late writes will be fenced out.
            await _store.ReleaseAllAsync(Id, CancellationToken.None).ConfigureAwait(false);
        }

        await _stopLoops.CancelAsync().ConfigureAwait(false);
        foreach (var loop in new[] { _heartbeat, _maintenance })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(false);
            }
        }

        try
        {
            await _store.DeleteWorkerAsync(Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
        {
            Log.HeartbeatFailed(_logger, ex, Id);
        }

        Log.WorkerStopped(_logger, Id);
    }

    private static async Task<bool> WaitAllAsync(Task[] tasks, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (tasks.Length == 0)
        {
            return true;
        }

        try
        {
            await Task.WhenAll(tasks).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
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
