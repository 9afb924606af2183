using System.Diagnostics;
using Currant.Persistence;
using Microsoft.Extensions.Logging;

namespace Currant;

/// <summary>
/// The span, log scope and metrics of one attempt. Started before the user's code runs, so the span is
/// <see cref="Activity.Current"/> inside it (its own enqueues and outgoing calls nest under it) and every log line
/// written meanwhile carries the execution's id, name, kind, attempt and queue (and a workflow's activation).
/// </summary>
internal sealed class AttemptTelemetry : IDisposable
{
    private readonly Activity? _span;
    private readonly IDisposable? _scope;
    private readonly TagList _tags;
    private readonly long _startedAt;
    private readonly int _attempt;
    private bool _ended;

    private AttemptTelemetry(Activity? span, IDisposable? scope, TagList tags, int attempt)
    {
        _span = span;
        _scope = scope;
        _tags = tags;
        _attempt = attempt;
        _startedAt = Stopwatch.GetTimestamp();
    }

    public static AttemptTelemetry Start(ClaimedExecution row, ILogger logger)
    {
        var kind = CurrantDiagnostics.KindName(row.Kind);
        var tags = new TagList
        {
            { CurrantDiagnostics.ExecutionKindTag, kind },
            { CurrantDiagnostics.ExecutionNameTag, row.Name },
            { CurrantDiagnostics.QueueTag, row.Queue },
        };

        CurrantDiagnostics.Started.Add(1, tags);
        CurrantDiagnostics.InFlight.Add(1, tags);
        if (CurrantDiagnostics.QueueWait.Enabled)
        {
            CurrantDiagnostics.QueueWait.Record(row.QueueWait.TotalSeconds, tags);
        }

        // The parent is the context stored at enqueue, never whatever the worker's own flow happens to carry:
        // without a stored context the attempt starts a trace of its own.
        Activity.Current = null;
        Activity? span = null;
        if (CurrantDiagnostics.Source.HasListeners())
        {
            ActivityContext.TryParse(row.TraceContext, null, isRemote: true, out var parent);
            span = CurrantDiagnostics.Source.StartActivity($"run {row.Name}", ActivityKind.Consumer, parent);
            if (span is { IsAllDataRequested: true })
            {
                span.SetTag(CurrantDiagnostics.ExecutionIdTag, row.Id.ToString());
                span.SetTag(CurrantDiagnostics.ExecutionNameTag, row.Name);
                span.SetTag(CurrantDiagnostics.ExecutionKindTag, kind);
                span.SetTag(CurrantDiagnostics.AttemptTag, row.Attempt);
                if (row.Kind == ExecutionKind.Workflow)
                {
                    span.SetTag(CurrantDiagnostics.ActivationTag, row.Activation);
                }

                span.SetTag(CurrantDiagnostics.QueueTag, row.Queue);
            }
        }

        var scope = logger.BeginScope(new ExecutionLogScope(row.Id, row.Name, kind, row.Attempt, row.Queue,
            row.Kind == ExecutionKind.Workflow ? row.Activation : null));
        return new AttemptTelemetry(span, scope, tags, row.Attempt);
    }

    /// <summary>
    /// Records how the attempt ended and ends its span, before the outcome is written back: whoever sees the
    /// execution finished can already see its span and metrics.
    /// </summary>
    public void Complete(Completion completion)
    {
        var (outcome, counter) = completion switch
        {
            { State: ExecutionState.Completed } => ("completed", CurrantDiagnostics.Completed),
            { State: ExecutionState.Failed } => ("failed", CurrantDiagnostics.Failed),
            { State: ExecutionState.Cancelled } => ("cancelled", CurrantDiagnostics.Cancelled),
            { Released: true } => ("released", null),
            _ => ("retried", CurrantDiagnostics.Retried),
        };

        Record(outcome, counter, outcome is "failed" or "retried" ? $"Attempt {_attempt} failed." : null);
    }

    /// <summary>
    /// Records how a workflow activation ended: <c>completed</c> or <c>failed</c> (counted like a job's), or
    /// <c>suspended</c> (waiting for its next step) and <c>parked</c> (blocked or nondeterministic, an error span).
    /// </summary>
    public void CompleteActivation(ExecutionState next, Exception? parked)
    {
        var (outcome, counter) = (next, parked) switch
        {
            (_, not null) => ("parked", null),
            (ExecutionState.Completed, _) => ("completed", CurrantDiagnostics.Completed),
            (ExecutionState.Failed, _) => ("failed", CurrantDiagnostics.Failed),
            _ => ("suspended", (System.Diagnostics.Metrics.Counter<long>?)null),
        };

        Record(outcome, counter, outcome switch
        {
            "parked" => parked!.Message,
            "failed" => "The workflow failed.",
            _ => null,
        });
    }

    private void Record(string outcome, System.Diagnostics.Metrics.Counter<long>? counter, string? error)
    {
        counter?.Add(1, _tags);
        if (CurrantDiagnostics.Duration.Enabled)
        {
            var tags = _tags;
            tags.Add(CurrantDiagnostics.OutcomeTag, outcome);
            CurrantDiagnostics.Duration.Record(Stopwatch.GetElapsedTime(_startedAt).TotalSeconds, tags);
        }

        if (_span is { IsAllDataRequested: true })
        {
            _span.SetTag(CurrantDiagnostics.OutcomeTag, outcome);
            if (error is not null)
            {
                _span.SetStatus(ActivityStatusCode.Error, error);
            }
        }

        End();
    }

    /// <summary>The W3C id of the attempt's span (null when nobody listens): the parent of what the attempt schedules.</summary>
    public string? TraceContext => _span?.Id;

    public void Dispose()
    {
        End();
        _scope?.Dispose();
    }

    private void End()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        CurrantDiagnostics.InFlight.Add(-1, _tags);
        _span?.Dispose();
    }
}
