using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Currant.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Currant.Worker;

/// <summary>The job runner role: runs one attempt of a job or activity and hands its outcome to the completer.</summary>
internal sealed class JobRunner : IExecutionRunner, IActivityExecutor
{
    private readonly CurrantClient _client;
    private readonly WorkerOptions _options;
    private readonly IServiceProvider _services;
    private readonly IServiceScopeFactory? _scopeFactory;
    private readonly ICompleter _completer;
    private readonly ILogger _logger;
    private readonly CancellationToken _abort;
    private readonly ConcurrentDictionary<Guid, Running> _running = new();

    public JobRunner(CurrantClient client, WorkerOptions options, IServiceProvider services, ICompleter completer, ILogger logger, CancellationToken abort)
    {
        _client = client;
        _options = options;
        _services = services;
        _scopeFactory = services.GetService<IServiceScopeFactory>();
        _completer = completer;
        _logger = logger;
        _abort = abort;
    }

    /// <summary>The worker whose claims this runner runs: heartbeat writes are fenced by it.</summary>
    public Guid WorkerId { get; init; }

    /// <summary>The workflow runner, which may take an activity's outcome straight to a workflow it holds in memory.</summary>
    public IActivityFuser? Fuser { get; set; }

    public void RequestCancel(Guid id)
    {
        if (_running.TryGetValue(id, out var running))
        {
            running.CancelRequested = true;
            try
            {
                running.Source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The attempt finished between the lookup and the cancel: nothing left to stop.
            }
        }
    }

    public async Task RunAsync(ClaimedExecution row)
    {
        var completion = await AttemptAsync(row, alsoCancelledBy: null).ConfigureAwait(false);
        if (row.ParentId is not null && Fuser is { } fuser && await fuser.TryFuseAsync(row, completion).ConfigureAwait(false))
        {
            return;
        }

        await _completer.CompleteAsync(completion, row.Name).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs an activity inside its workflow's activation, in the workflow's slot, and returns its outcome unwritten:
    /// the workflow records it with its next commit. A cancel of the workflow reaches it too.
    /// </summary>
    public Task<Completion> RunInActivationAsync(ClaimedExecution row, Guid workflowId) => AttemptAsync(row, workflowId);

    /// <summary>
    /// The attempt's heartbeats (<see cref="Execution"/>): written to its row, or kept in memory inside an activation.
    /// A heartbeat timeout arms <paramref name="watchdog"/>, which stops the attempt as timed out when no beat comes.
    /// </summary>
    private AttemptHeartbeat NewHeartbeat(ClaimedExecution row, Running running, bool inActivation, CancellationTokenSource? watchdog)
        => new(row, inActivation ? null : _client.Store, WorkerId, _options, _client.SerializerOptions, _client.Options.Defaults.MaxPayloadBytes, _logger,
            beat =>
            {
                if (beat == ExecutionBeat.CancelRequested)
                {
                    RequestCancel(row.Id);
                    return;
                }

                running.Lost = true;
                Cancel(running.Source);
            },
            watchdog);

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt finished meanwhile: nothing left to stop.
        }
    }

    private async Task<Completion> AttemptAsync(ClaimedExecution row, Guid? alsoCancelledBy)
    {
        using var source = CancellationTokenSource.CreateLinkedTokenSource(_abort);
        using var telemetry = CurrantDiagnostics.StartAttempt(row, _logger);
        var running = new Running(source);
        _running[row.Id] = running;
        if (alsoCancelledBy is { } other)
        {
            _running[other] = running;
        }

        if (row.CancelRequested)
        {
            running.CancelRequested = true;
            source.Cancel();
        }
        else if (row.Timeout is { } timeout)
        {
            source.CancelAfter(timeout);
        }

        // Disposed before the attempt's source (declared after it): a late watchdog cannot cancel a disposed source.
        using var watchdog = row.HeartbeatTimeout is { } heartbeatTimeout
            ? new CancellationTokenSource(AttemptHeartbeat.WatchdogDelay(heartbeatTimeout), _options.TimeProvider)
            : null;
        using var watch = watchdog?.Token.Register(() =>
        {
            running.HeartbeatTimedOut = true;
            Cancel(source);
        });
        var heartbeat = NewHeartbeat(row, running, alsoCancelledBy is not null, watchdog);

        Completion completion;
        try
        {
            completion = await InvokeAsync(row, running, heartbeat, source.Token).ConfigureAwait(false);
            // A retry resumes from the newest details: write what the throttle held back (an attempt inside an
            // activation has no row: its details travel with the completion into the retry's row).
            await heartbeat.StopAsync(flushDetails: completion.State == ExecutionState.Pending && !completion.Released).ConfigureAwait(false);
            if (alsoCancelledBy is not null && heartbeat.DetailsOfThisAttempt is { } details)
            {
                completion = completion with { HeartbeatDetails = details };
            }
        }
        finally
        {
            _running.TryRemove(row.Id, out _);
            if (alsoCancelledBy is { } registered)
            {
                _running.TryRemove(new KeyValuePair<Guid, Running>(registered, running));
            }
        }

        telemetry.Complete(completion);
        return completion;
    }

    private async Task<Completion> InvokeAsync(ClaimedExecution row, Running running, AttemptHeartbeat heartbeat, CancellationToken token)
    {
        // Flows into the user's code (and only there: this async method restores the caller's value when it returns).
        Execution.Current = heartbeat;
        Log.ExecutionStarted(_logger, row.Id, row.Kind, row.Name, row.Queue, row.Attempt);
        ExecutionDefinition? definition = null;
        try
        {
            if (!ExecutionRegistry.TryGet(row.Name, out definition))
            {
                var known = string.Join(", ", ExecutionRegistry.All.Select(d => d.Name).Order(StringComparer.Ordinal));
                throw new UnknownExecutionException(
                    $"No [Job], [Activity] or [Workflow] named '{row.Name}' is registered in this worker " +
                    $"(it knows: {(known.Length == 0 ? "none" : known)}). Deploy the code that defines it, then retry the execution.");
            }

            token.ThrowIfCancellationRequested();
            byte[]? result;
            if (_scopeFactory is not { } scopeFactory)
            {
                result = await definition.Invoke(Context(row, _services, token)).ConfigureAwait(false);
            }
            else
            {
                // One scope per execution, like a request in ASP.NET Core.
                var scope = scopeFactory.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    result = await definition.Invoke(Context(row, scope.ServiceProvider, token)).ConfigureAwait(false);
                }
            }

            if (result is not null && JsonNul.Contains(result))
            {
                // jsonb cannot hold it: fail this execution with the reason rather than let the write be refused.
                return Failure(row, new NonRetryableException(
                    $"The result of '{row.Name}' contains the character U+0000 (NUL), which PostgreSQL cannot store (\\u0000 in jsonb). " +
                    "Remove or replace it before returning."), nonRetryable: true);
            }

            Log.ExecutionCompleted(_logger, row.Id, row.Kind, row.Name, row.Queue, row.Attempt);
            return new Completion(row.Id, row.Fence, ExecutionState.Completed, result is null ? null : Encoding.UTF8.GetString(result), null, null, false);
        }
        catch (Exception ex) when (token.IsCancellationRequested && ex is OperationCanceledException)
        {
            if (running.CancelRequested)
            {
                Log.ExecutionCancelled(_logger, row.Id, row.Kind, row.Name, row.Queue, row.Attempt);
                var error = CurrantStore.SerializeError(new ExecutionError(typeof(OperationCanceledException).FullName!, "Cancelled on request.", null, true));
                return new Completion(row.Id, row.Fence, ExecutionState.Cancelled, null, error, null, false);
            }

            if (_abort.IsCancellationRequested)
            {
                // Shutdown past the grace period: hand it back without spending the attempt.
                return new Completion(row.Id, row.Fence, ExecutionState.Pending, null, null, TimeSpan.Zero, true);
            }

            if (running.HeartbeatTimedOut || running.Lost)
            {
                // Lost: a sweep timed the row out already (this outcome is fenced out); say the same thing it did.
                return Failure(row, new TimeoutException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"Attempt {row.Attempt} of '{row.Name}' sent no heartbeat for {row.HeartbeatTimeout?.TotalSeconds:0.###} s (its HeartbeatTimeout)."),
                    ex), nonRetryable: false);
            }

            var timeout = new TimeoutException($"Attempt {row.Attempt} of '{row.Name}' exceeded its timeout of {row.Timeout}.", ex);
            return Failure(row, timeout, nonRetryable: false);
        }
        catch (Exception ex)
        {
            var nonRetryable = ex is ArgumentDeserializationException or UnknownExecutionException or NonRetryableException
                || definition?.IsNonRetryable?.Invoke(ex) == true
                || (row.RetryPolicy is not null && StoredRetryPolicy.Parse(row.RetryPolicy)?.IsNonRetryable(ex) == true);
            return Failure(row, ex, nonRetryable);
        }
    }

    private InvocationContext Context(ClaimedExecution row, IServiceProvider services, CancellationToken token)
        => new(row.Id, row.Name, row.Attempt, Encoding.UTF8.GetBytes(row.Arguments), services, _client.SerializerOptions, token);

    private Completion Failure(ClaimedExecution row, Exception exception, bool nonRetryable)
    {
        CurrantDiagnostics.RecordException(exception);
        var error = CurrantStore.SerializeError(ExecutionError.From(exception, nonRetryable));
        if (!nonRetryable && row.Attempt < row.MaxAttempts)
        {
            var retryIn = RetryBackoff.Compute(row.Attempt, StoredRetryPolicy.Parse(row.RetryPolicy), _options.RetryBaseDelay, _options.RetryMaxDelay);
            Log.ExecutionRetrying(_logger, exception, row.Id, row.Kind, row.Name, row.Queue, row.Attempt, retryIn);
            return new Completion(row.Id, row.Fence, ExecutionState.Pending, null, error, retryIn, false);
        }

        Log.ExecutionFailed(_logger, exception, row.Id, row.Kind, row.Name, row.Queue, row.Attempt);
        return new Completion(row.Id, row.Fence, ExecutionState.Failed, null, error, null, false);
    }

    private sealed class Running(CancellationTokenSource source)
    {
        public CancellationTokenSource Source { get; } = source;

        public volatile bool CancelRequested;

        /// <summary>No heartbeat came within the heartbeat timeout (the watchdog fired).</summary>
        public volatile bool HeartbeatTimedOut;

        /// <summary>A heartbeat write found the row no longer this attempt's.</summary>
        public volatile bool Lost;
    }
}
