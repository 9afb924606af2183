using System.Diagnostics;
using System.Diagnostics.Metrics;
using Currant.Persistence;

namespace Currant;

/// <summary>
/// Currant's OpenTelemetry sources: the <see cref="ActivitySource"/> and the <see cref="Meter"/> are both named
/// <c>Currant</c>. Subscribe with <c>tracing.AddSource(CurrantDiagnostics.ActivitySourceName)</c> and
/// <c>metrics.AddMeter(CurrantDiagnostics.MeterName)</c>.
/// </summary>
/// <remarks>
/// Spans: <c>enqueue {name}</c> (producer) around every enqueue, and <c>run {name}</c> (consumer) around every
/// attempt (every activation, for a workflow). The enqueue span's W3C trace context is stored with the execution, and each attempt's span takes it as
/// its parent, so an attempt run by another worker hours later joins the trace that enqueued it.
/// </remarks>
public static class CurrantDiagnostics
{
    /// <summary>The name of Currant's <see cref="ActivitySource"/>.</summary>
    public const string ActivitySourceName = "Currant";

    /// <summary>The name of Currant's <see cref="Meter"/>.</summary>
    public const string MeterName = "Currant";

    internal const string ExecutionIdTag = "currant.execution.id";
    internal const string ExecutionNameTag = "currant.execution.name";
    internal const string ExecutionKindTag = "currant.execution.kind";
    internal const string AttemptTag = "currant.execution.attempt";
    internal const string ActivationTag = "currant.execution.activation";
    internal const string OutcomeTag = "currant.execution.outcome";
    internal const string QueueTag = "currant.queue";
    internal const string CountTag = "currant.enqueue.count";

    private static readonly string? Version = typeof(CurrantDiagnostics).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource Source = new(ActivitySourceName, Version);

    internal static readonly Meter Meter = new(MeterName, Version);

    internal static readonly Counter<long> Enqueued = Meter.CreateCounter<long>(
        "currant.executions.enqueued", "{execution}", "Executions enqueued.");

    internal static readonly Counter<long> Started = Meter.CreateCounter<long>(
        "currant.executions.started", "{execution}", "Attempts started by a worker.");

    internal static readonly Counter<long> Completed = Meter.CreateCounter<long>(
        "currant.executions.completed", "{execution}", "Executions that completed successfully.");

    internal static readonly Counter<long> Failed = Meter.CreateCounter<long>(
        "currant.executions.failed", "{execution}", "Executions that failed for good (no attempts left, or not retryable).");

    internal static readonly Counter<long> Retried = Meter.CreateCounter<long>(
        "currant.executions.retried", "{execution}", "Attempts that failed and were scheduled to run again.");

    internal static readonly Counter<long> Cancelled = Meter.CreateCounter<long>(
        "currant.executions.cancelled", "{execution}", "Executions cancelled on request.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "currant.execution.duration", "s", "Time one attempt ran, by outcome.");

    internal static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>(
        "currant.queue.wait_time", "s", "Time from when an execution was due to when a worker claimed it.");

    internal static readonly UpDownCounter<long> InFlight = Meter.CreateUpDownCounter<long>(
        "currant.executions.in_flight", "{execution}", "Attempts running right now.");

    internal static readonly Histogram<int> ClaimBatch = Meter.CreateHistogram<int>(
        "currant.claim.batch_size", "{execution}", "Executions claimed by one claim query (zero when the queues were empty).");

    internal static string KindName(ExecutionKind kind) => kind switch
    {
        ExecutionKind.Job => "job",
        ExecutionKind.Activity => "activity",
        ExecutionKind.Workflow => "workflow",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// Starts the span of an enqueue. Call it before the row is built: the row stores <see cref="Activity.Current"/>'s
    /// id, which must be this span's so the execution's attempts join it.
    /// </summary>
    internal static Activity? StartEnqueue(ExecutionDefinition definition, int count)
    {
        var span = Source.StartActivity($"enqueue {definition.Name}", ActivityKind.Producer);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(ExecutionNameTag, definition.Name);
            span.SetTag(ExecutionKindTag, KindName(definition.Kind));
            if (count != 1)
            {
                span.SetTag(CountTag, count);
            }
        }

        return span;
    }

    /// <summary>Records an enqueue that succeeded: the queue and (for a single enqueue) the id on the span, and the counter.</summary>
    internal static void RecordEnqueued(Activity? span, ExecutionDefinition definition, string queue, int count, Guid? id)
    {
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(QueueTag, queue);
            if (id is { } executionId)
            {
                span.SetTag(ExecutionIdTag, executionId.ToString());
            }
        }

        if (Enqueued.Enabled)
        {
            Enqueued.Add(count, new TagList { { ExecutionKindTag, KindName(definition.Kind) }, { ExecutionNameTag, definition.Name }, { QueueTag, queue } });
        }
    }

    /// <summary>Marks a span failed with its exception. Returns false, to be used as an exception filter that catches nothing.</summary>
    internal static bool RecordFailure(Activity? span, Exception exception)
    {
        if (span is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, exception.Message);
            span.AddException(exception);
        }

        return false;
    }

    /// <summary>Adds the exception that failed an attempt to the attempt's span (the current one while the attempt runs).</summary>
    internal static void RecordException(Exception exception)
    {
        if (Activity.Current is { } span && ReferenceEquals(span.Source, Source))
        {
            span.AddException(exception);
        }
    }

    internal static void RecordClaim(int count)
    {
        if (ClaimBatch.Enabled)
        {
            ClaimBatch.Record(count);
        }
    }

    /// <summary>Starts the span, the log scope and the metrics of one attempt; complete it with the attempt's outcome.</summary>
    internal static AttemptTelemetry StartAttempt(ClaimedExecution row, Microsoft.Extensions.Logging.ILogger logger)
        => AttemptTelemetry.Start(row, logger);
}
