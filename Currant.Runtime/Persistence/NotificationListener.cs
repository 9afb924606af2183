using Microsoft.Extensions.Logging;
using Npgsql;

namespace Currant.Persistence;

/// <summary>
/// One dedicated connection that LISTENs on Currant's channels and fans notifications out to subscribers.
/// Reconnects with backoff; after a reconnect subscribers are told so they re-check what they may have missed.
/// </summary>
internal sealed class NotificationListener : IAsyncDisposable
{
    private const string Listen = $"LISTEN {SharedNames.PendingChannel}; LISTEN {SharedNames.HandOffChannel}; LISTEN {SharedNames.DueChannel}; LISTEN {SharedNames.FinishedChannel}; LISTEN {SharedNames.CancelChannel}; LISTEN {SharedNames.QueryChannel}";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private Action<string, string>[] _subscribers = [];
    private Task? _loop;
    private bool _connected;

    public NotificationListener(NpgsqlDataSource dataSource, ILogger logger)
    {
        _dataSource = dataSource;
        _logger = logger;
    }

    /// <summary>Raised after a reconnect: notifications may have been lost in between.</summary>
    public event Action? Reconnected;

    /// <summary>Raised when the connection is lost: notifications are lost until <see cref="Reconnected"/>.</summary>
    public event Action? Disconnected;

    /// <summary>True while LISTEN is in place on a live connection.</summary>
    public bool Connected => Volatile.Read(ref _connected);

    /// <summary>Completes once the first LISTEN has been issued.</summary>
    public Task Ready => _ready.Task;

    public void Subscribe(Action<string, string> handler)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers, handler];
        }
    }

    public void Unsubscribe(Action<string, string> handler)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Where(s => s != handler).ToArray();
        }
    }

    public void Start()
    {
        lock (_gate)
        {
            _loop ??= Task.Run(() => RunAsync(_stop.Token));
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand(Listen, connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                Volatile.Write(ref _connected, true);
                _ready.TrySetResult();
                if (!first)
                {
                    Reconnected?.Invoke();
                }

                first = false;
                delay = TimeSpan.FromMilliseconds(100);
                while (!stop.IsCancellationRequested)
                {
                    await connection.WaitAsync(stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                if (Volatile.Read(ref _connected))
                {
                    Volatile.Write(ref _connected, false);
                    Disconnected?.Invoke();
                }

                Log.ListenerFailed(_logger, ex, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }

        Volatile.Write(ref _connected, false);
        _ready.TrySetResult();
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            try
            {
                subscriber(e.Channel, e.Payload);
            }
            catch (Exception ex)
            {
                Log.SubscriberFailed(_logger, ex, e.Channel);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
