using System.Text;
using System.Text.Json;
using Currant.Persistence;
using Microsoft.Extensions.Logging;

namespace Currant.Worker;

/// <summary>
/// The heartbeats of one running attempt (<see cref="Execution.Heartbeat{T}(T)"/>). Beats are throttled as Temporal
/// throttles them: the first is written at once, later ones at most every <see cref="Throttle"/>, always with the
/// newest details. An attempt run inside its workflow's activation has no row yet: it keeps its details here and
/// they go into the row written for its retry (<see cref="Completion.HeartbeatDetails"/>).
/// </summary>
internal sealed class AttemptHeartbeat
{
    /// <summary>Temporal's defaults: 30 s between writes without a heartbeat timeout, never more than 60 s.</summary>
    private static readonly TimeSpan DefaultThrottle = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxThrottle = TimeSpan.FromSeconds(60);

    /// <summary>The longest delay a CancellationTokenSource timer takes (uint.MaxValue − 1 ms, about 49.7 days).</summary>
    internal static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly ClaimedExecution _row;
    private readonly CurrantStore? _store;
    private readonly Guid _workerId;
    private readonly WorkerOptions _options;
    private readonly JsonSerializerOptions _json;
    private readonly int _maxPayloadBytes;
    private readonly ILogger _logger;
    private readonly Action<ExecutionBeat> _lost;
    private readonly CancellationTokenSource? _watchdog;
    private readonly Lock _gate = new();
    private string? _details;
    private bool _beaten;
    private bool _dirty;
    private bool _detailsUnwritten;
    private bool _stopped;
    private Task? _pump;

    // Made with the first pump: an attempt that never heartbeats allocates nothing for it.
    private CancellationTokenSource? _stop;

    /// <summary>
    /// <paramref name="store"/>: null for an attempt inside its workflow's activation (nothing is written).
    /// <paramref name="lost"/>: called when a write finds the row no longer this attempt's, or asked to cancel.
    /// <paramref name="watchdog"/>: cancelled when no beat came within the heartbeat timeout; each beat restarts it.
    /// </summary>
    public AttemptHeartbeat(ClaimedExecution row, CurrantStore? store, Guid workerId, WorkerOptions options, JsonSerializerOptions json,
        int maxPayloadBytes, ILogger logger, Action<ExecutionBeat> lost, CancellationTokenSource? watchdog)
    {
        _row = row;
        _store = store;
        _workerId = workerId;
        _options = options;
        _json = json;
        _maxPayloadBytes = maxPayloadBytes;
        _logger = logger;
        _lost = lost;
        _watchdog = watchdog;
        _details = row.HeartbeatDetails;
        Throttle = row.HeartbeatTimeout is { } timeout ? Min(timeout * 0.8, MaxThrottle) : DefaultThrottle;
    }

    /// <summary>The least time between two heartbeat writes of this attempt.</summary>
    public TimeSpan Throttle { get; }

    public int Attempt => _row.Attempt;

    /// <summary>The newest details: this attempt's, else an earlier attempt's (JSON), or null.</summary>
    public string? Details
    {
        get
        {
            lock (_gate)
            {
                return _details;
            }
        }
    }

    /// <summary>This attempt's newest details when it recorded any (for the retry row of an attempt without a row).</summary>
    public string? DetailsOfThisAttempt
    {
        get
        {
            lock (_gate)
            {
                return _beaten ? _details : null;
            }
        }
    }

    /// <summary>A watchdog delay: the heartbeat timeout, clamped to what a timer takes (a larger one never fires: the sweep still does).</summary>
    public static TimeSpan WatchdogDelay(TimeSpan timeout) => Min(timeout, MaxTimerDelay);

    public string SerializeDetails<T>(T details)
    {
        var bytes = CurrantJson.Serialize(details, _json);
        if (bytes.Length > _maxPayloadBytes)
        {
            throw new ArgumentException(
                $"The heartbeat details of '{_row.Name}' are {bytes.Length:N0} bytes, over the {_maxPayloadBytes:N0}-byte limit " +
                "(CurrantClientOptions.Defaults.MaxPayloadBytes). Record a small progress marker (an offset, a page token), not the data.", nameof(details));
        }

        if (JsonNul.Contains(bytes))
        {
            throw new ArgumentException(
                $"The heartbeat details of '{_row.Name}' contain the character U+0000 (NUL), which PostgreSQL cannot store (\\u0000 in jsonb). Remove or replace it.",
                nameof(details));
        }

        return Encoding.UTF8.GetString(bytes);
    }

    public T? ReadDetails<T>()
    {
        var json = Details;
        if (json is null)
        {
            return default;
        }

        try
        {
            return CurrantJson.Deserialize<T>(Encoding.UTF8.GetBytes(json), _json);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException(
                $"The last heartbeat details of '{_row.Name}' ({Cut(json)}) cannot be read as {typeof(T).FullName}: {ex.Message}", ex);
        }
    }

    /// <summary>Records a beat (and new details when <paramref name="details"/> is not null); writes now or after the throttle.</summary>
    public void Beat(string? details)
    {
        if (_watchdog is { } watchdog && _row.HeartbeatTimeout is { } timeout)
        {
            try
            {
                watchdog.CancelAfter(WatchdogDelay(timeout));
            }
            catch (ObjectDisposedException)
            {
                // The attempt ended: a late beat from code it left running changes nothing.
            }
        }

        lock (_gate)
        {
            if (details is not null)
            {
                _details = details;
                _detailsUnwritten = true;
                _beaten = true;
            }

            _dirty = true;
            if (_store is null || _pump is not null || _stopped)
            {
                return;
            }

            _stop ??= new CancellationTokenSource();
            var stop = _stop.Token;
            _pump = Task.Run(() => PumpAsync(stop));
        }
    }

    /// <summary>
    /// Ends the writes. With <paramref name="flushDetails"/> (the attempt is to be retried), details not yet written
    /// are written now, so the retry reads the newest.
    /// </summary>
    public async Task StopAsync(bool flushDetails)
    {
        Task? pump;
        CancellationTokenSource? stop;
        lock (_gate)
        {
            // No pump starts after this: the one running (if any) is the last.
            _stopped = true;
            pump = _pump;
            stop = _stop;
        }

        if (stop is not null)
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        if (pump is not null)
        {
            await pump.ConfigureAwait(false);
        }

        string? details;
        lock (_gate)
        {
            details = flushDetails && _detailsUnwritten ? _details : null;
            _detailsUnwritten = false;
        }

        if (details is not null && _store is not null)
        {
            await WriteAsync(details, CancellationToken.None).ConfigureAwait(false);
        }

        stop?.Dispose();
    }

    private async Task PumpAsync(CancellationToken stop)
    {
        while (true)
        {
            string? details;
            lock (_gate)
            {
                if (!_dirty || _stopped)
                {
                    _pump = null;
                    return;
                }

                _dirty = false;
                details = _detailsUnwritten ? _details : null;
                _detailsUnwritten = false;
            }

            await WriteAsync(details, stop).ConfigureAwait(false);
            try
            {
                await Task.Delay(Throttle, _options.TimeProvider, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    _pump = null;
                }

                return;
            }
        }
    }

    private async Task WriteAsync(string? details, CancellationToken cancellationToken)
    {
        try
        {
            var beat = await _store!.HeartbeatExecutionAsync(_row.Id, _workerId, _row.Attempt, details, cancellationToken).ConfigureAwait(false);
            if (beat is not ExecutionBeat.Held)
            {
                // Timed out by a sweep, rescued, or asked to cancel: this attempt's outcome will be fenced out anyway.
                Log.HeartbeatLost(_logger, _row.Id, _row.Name, _row.Attempt, beat);
                _lost(beat);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                // Not written: the final flush (for a retry) writes it.
                _detailsUnwritten |= details is not null;
            }
        }
        catch (Exception ex)
        {
            // Best effort, like Temporal's: a failed write is repeated by the next beat, and the timeout covers the rest.
            lock (_gate)
            {
                _detailsUnwritten |= details is not null;
            }

            Log.HeartbeatWriteFailed(_logger, ex, _row.Id, _row.Name);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Cut(string json) => json.Length <= 200 ? json : json[..200] + "…";
}
