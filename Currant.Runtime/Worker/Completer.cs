using System.Threading.Channels;
using Currant.Persistence;
using Microsoft.Extensions.Logging;

namespace Currant.Worker;

/// <summary>
/// Writes attempt outcomes back in batches: whatever has accumulated while the previous write was in flight goes
/// out in one statement, so a busy worker pays one round trip for many completions and an idle one pays no delay.
/// </summary>
internal sealed class Completer
{
    private const int MaxBatch = 1000;

    private readonly CurrantStore _store;
    private readonly Guid _workerId;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<(Completion Completion, string Name)> _channel =
        Channel.CreateUnbounded<(Completion, string)>(new UnboundedChannelOptions { SingleReader = true });

    private Task? _loop;

    public Completer(CurrantStore store, Guid workerId, ILogger logger, TimeProvider time)
    {
        _store = store;
        _workerId = workerId;
        _logger = logger;
        _time = time;
    }

    public void Start() => _loop = Task.Run(RunAsync);

    public void Enqueue(Completion completion, string name) => _channel.Writer.TryWrite((completion, name));

    /// <summary>Stops accepting work and waits until everything queued has been written.</summary>
    public async Task DrainAsync()
    {
        _channel.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<(Completion Completion, string Name)>(MaxBatch);
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            await WriteAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(List<(Completion Completion, string Name)> batch)
    {
        var completions = batch.Select(b => b.Completion).ToList();
        var delay = TimeSpan.FromMilliseconds(50);
        for (var tries = 0; ; tries++)
        {
            try
            {
                var accepted = await _store.CompleteAsync(_workerId, completions, CancellationToken.None).ConfigureAwait(false);
                foreach (var (completion, name) in batch)
                {
                    if (!accepted.Contains(completion.Id))
                    {
                        Log.CompletionFenced(_logger, completion.Id, name, completion.Attempt);
                    }
                }

                return;
            }
            catch (Exception ex) when (tries < 60)
            {
                // The outcome is only in memory: keep trying (the database may be restarting). If this worker dies
                // meanwhile, failover re-runs the attempt, which at-least-once delivery allows.
                Log.CompleteFailed(_logger, ex, _workerId, batch.Count);
                await Task.Delay(delay, _time).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
            catch (Exception ex)
            {
                // Given up: the rows stay running under this worker, so failover re-runs them (at-least-once).
                Log.CompleteFailed(_logger, ex, _workerId, batch.Count);
                return;
            }
        }
    }
}
