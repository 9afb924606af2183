using System.Threading.Channels;
using Currant.Persistence;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Currant.Worker;

/// <summary>
/// Writes attempt outcomes back in batches: whatever has accumulated while the previous write was in flight goes
/// out in one statement, so a busy worker pays one round trip for many completions and an idle one pays no delay.
/// </summary>
/// <remarks>
/// Invariant: an outcome handed over is written, fenced, or (for a value PostgreSQL refuses) replaced by a clear
/// failure; it is never dropped while the worker lives. A batch PostgreSQL refuses is split until the refused rows are
/// alone, so one poison row never holds up the others. While the database is unreachable the batch is retried
/// with a capped backoff and the bounded buffer pushes back on the runners (and so on the producer); the heartbeat
/// service lets the heartbeat lapse when writes have failed for longer than the heartbeat timeout, so other workers
/// rescue the rows and this worker's late writes are fenced out.
/// </remarks>
internal sealed class Completer : ICompleter
{
    private const int MaxBatch = 1000;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    private readonly CurrantStore _store;
    private readonly Guid _workerId;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WakeAlarm? _alarm;
    private readonly Channel<Item> _channel;
    private readonly CancellationTokenSource _abandon = new();
    private readonly FailureStreak _failures;
    private long _failingSinceTicks;
    private Task<int>? _loop;

    /// <summary>A completer; <paramref name="alarm"/> (the producer's) is armed for each retry it writes, due after its backoff.</summary>
    public Completer(CurrantStore store, Guid workerId, int capacity, ILogger logger, TimeProvider time, WakeAlarm? alarm = null)
    {
        _store = store;
        _alarm = alarm;
        _workerId = workerId;
        _logger = logger;
        _time = time;
        _failures = new FailureStreak(time);
        _channel = Channel.CreateBounded<Item>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public DateTimeOffset? FailingSince => Volatile.Read(ref _failingSinceTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void Start() => _loop = Task.Run(RunAsync);

    public ValueTask CompleteAsync(Completion completion, string name)
    {
        var item = new Item(completion, name);
        return _channel.Writer.TryWrite(item) ? ValueTask.CompletedTask : _channel.Writer.WriteAsync(item);
    }

    /// <summary>
    /// Stops accepting work and waits until everything handed over has been written, for at most
    /// <paramref name="timeout"/>; then gives up on the rest (they stay running under this worker, whose heartbeat
    /// stops with it, so another worker rescues them). Returns how many were abandoned.
    /// </summary>
    public async Task<int> DrainAsync(TimeSpan timeout)
    {
        _channel.Writer.TryComplete();
        if (_loop is null)
        {
            return 0;
        }

        try
        {
            await _loop.WaitAsync(timeout, _time).ConfigureAwait(false);
            return 0;
        }
        catch (TimeoutException)
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
            var abandoned = await _loop.ConfigureAwait(false);
            return abandoned;
        }
    }

    /// <summary>
    /// Drops a hand-back (<see cref="Completion.Release"/>) of a row whose outcome is in the same batch. The heartbeat
    /// hands back rows it finds running in the database that the producer no longer holds, which includes a row whose
    /// outcome was queued here a moment before: across batches the outcome is written first and the hand-back, fenced,
    /// changes nothing; within one batch a single statement would apply only one of the two, so the outcome must win.
    /// </summary>
    private static void DropSupersededReleases(List<Item> batch)
    {
        if (!batch.Exists(i => i.Completion.Released))
        {
            return;
        }

        var outcomes = batch.Where(i => !i.Completion.Released).Select(i => i.Completion.Id).ToHashSet();
        batch.RemoveAll(i => i.Completion.Released && outcomes.Contains(i.Completion.Id));
    }

    /// <summary>Called with the id of each execution whose final outcome a write just committed.</summary>
    public Action<Guid>? Finished { get; init; }

    private async Task<int> RunAsync()
    {
        var batch = new List<Item>(MaxBatch);
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                DropSupersededReleases(batch);

                await WriteAsync(batch, _abandon.Token).ConfigureAwait(false);
            }

            return 0;
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            var abandoned = batch.Count;
            while (reader.TryRead(out _))
            {
                abandoned++;
            }

            Log.CompletionsAbandoned(_logger, _workerId, abandoned);
            return abandoned;
        }
    }

    /// <summary>Returns once every item is written or fenced; retries what failed for reasons that may pass.</summary>
    private async Task WriteAsync(List<Item> batch, CancellationToken abandon)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                await WriteOrIsolateAsync(batch, abandon).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!abandon.IsCancellationRequested)
            {
                // The database may be restarting or unreachable: the outcomes are only in memory, so keep trying.
                if (Volatile.Read(ref _failingSinceTicks) == 0)
                {
                    Volatile.Write(ref _failingSinceTicks, _time.GetUtcNow().UtcTicks);
                }

                if (_failures.Failed())
                {
                    Log.CompleteFailed(_logger, ex, _workerId, batch.Count);
                }

                await Task.Delay(delay, _time, abandon).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>One try at the batch; a value PostgreSQL refuses is isolated by splitting and replaced by a failure.</summary>
    private async Task WriteOrIsolateAsync(List<Item> batch, CancellationToken abandon)
    {
        try
        {
            var accepted = await _store.CompleteAsync(_workerId, Completions(batch), abandon).ConfigureAwait(false);
            if (Volatile.Read(ref _failingSinceTicks) != 0)
            {
                Volatile.Write(ref _failingSinceTicks, 0);
                _failures.Succeeded();
            }

            TimeSpan? retry = null;
            foreach (var item in batch)
            {
                var completion = item.Completion;
                if (!accepted.Contains(completion.Id))
                {
                    // Logged as the attempt: a job's or activity's token is its attempt (a workflow's, its activation).
                    Log.CompletionFenced(_logger, completion.Id, item.Name, completion.Fence);
                }
                else if (completion is { State: ExecutionState.Pending, RetryIn: { } retryIn } && retryIn > TimeSpan.Zero && (retry is null || retryIn < retry))
                {
                    retry = retryIn;
                }
                else if (completion.State is ExecutionState.Completed or ExecutionState.Failed or ExecutionState.Cancelled)
                {
                    Finished?.Invoke(completion.Id);
                }
            }

            // Armed now the write has returned, so never before the row is due (its backoff counts from the write's now()).
            if (retry is { } earliest)
            {
                _alarm?.WakeIn(earliest);
            }

            return;
        }
        catch (PostgresException ex) when (StoreErrors.IsRefusedValue(ex))
        {
            // Something in the batch is a value PostgreSQL will never accept: isolate it, let the rest through.
            if (batch.Count == 1 && batch[0].Refusals < 2)
            {
                await WriteRefusedAsync(batch[0], ex, abandon).ConfigureAwait(false);
                return;
            }

            if (batch.Count == 1)
            {
                // Even the minimal failure was refused: nothing about this row can be written. Treat it like an
                // outage below, so the heartbeat lapses and another worker rescues the row rather than strand it.
                throw new InvalidOperationException($"PostgreSQL refused every form of the outcome of {batch[0].Completion.Id}.", ex);
            }

            var half = batch.Count / 2;
            await WriteOrIsolateAsync(batch.GetRange(0, half), abandon).ConfigureAwait(false);
            await WriteOrIsolateAsync(batch.GetRange(half, batch.Count - half), abandon).ConfigureAwait(false);
        }
    }

    /// <summary>Replaces an outcome PostgreSQL refused with a non-retryable failure that says why.</summary>
    private async Task WriteRefusedAsync(Item item, PostgresException refusal, CancellationToken abandon)
    {
        var completion = item.Completion;
        var what = completion.State == ExecutionState.Completed ? "result" : "outcome";
        // The first replacement says why; if even that is refused, a fixed message that cannot be.
        var message = item.Refusals == 0
            ? $"PostgreSQL refused to store the {what} of '{item.Name}' ({refusal.SqlState}: {refusal.MessageText}). " +
              "Return values PostgreSQL's jsonb can hold (no \\u0000 in strings, under 255 MB)."
            : "PostgreSQL refused to store the outcome of this attempt.";
        var error = new ExecutionError(SharedNames.UnstorableValueError, message, null, NonRetryable: true);
        Log.CompletionRefused(_logger, refusal, completion.Id, item.Name, completion.Fence);
        var failed = completion with { State = ExecutionState.Failed, Result = null, Error = CurrantStore.SerializeError(error), RetryIn = null, Released = false };
        await WriteOrIsolateAsync([new Item(failed, item.Name, item.Refusals + 1)], abandon).ConfigureAwait(false);
    }

    private static Completion[] Completions(List<Item> batch)
    {
        var completions = new Completion[batch.Count];
        for (var i = 0; i < completions.Length; i++)
        {
            completions[i] = batch[i].Completion;
        }

        return completions;
    }

    private readonly record struct Item(Completion Completion, string Name, int Refusals = 0);
}
