using System.Text.Json;

namespace Currant.CommandLine;

/// <summary>The <c>--json</c> form of executions: stored JSON (arguments, result) is embedded as JSON, not as strings.</summary>
internal static class ExecutionJson
{
    public static string Write(ExecutionInfo info) => CommandJson.Write(w => WriteOne(w, info));

    public static string Write(IReadOnlyList<ExecutionInfo> rows) => CommandJson.Write(w =>
    {
        w.WriteStartArray();
        foreach (var row in rows)
        {
            WriteOne(w, row);
        }

        w.WriteEndArray();
    });

    /// <summary><c>signal --json</c>: the id given, the run that stored the signal, its name and payload (embedded JSON).</summary>
    public static string Signal(Guid workflowId, Guid run, string name, byte[]? payload) => CommandJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("workflowId", workflowId);
        w.WriteString("runId", run);
        w.WriteString("signal", name);
        w.WriteString("state", "stored");
        w.WritePropertyName("payload");
        if (payload is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(payload);
        }

        w.WriteEndObject();
    });

    private static void WriteId(Utf8JsonWriter w, string name, Guid? id)
    {
        if (id is { } value)
        {
            w.WriteString(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteOne(Utf8JsonWriter w, ExecutionInfo e)
    {
        w.WriteStartObject();
        w.WriteString("id", e.Id);
        w.WriteString("kind", e.Kind.ToString().ToLowerInvariant());
        w.WriteString("name", e.Name);
        w.WriteString("queue", e.Queue);
        w.WriteString("state", e.State.ToString().ToLowerInvariant());
        w.WriteNumber("priority", e.Priority);
        w.WriteNumber("attempt", e.Attempt);
        w.WriteNumber("maxAttempts", e.MaxAttempts);
        if (e.Kind == ExecutionKind.Workflow)
        {
            w.WriteNumber("activations", e.Activations);
        }
        else
        {
            w.WriteNull("activations");
        }

        Raw(w, "arguments", ArgumentRedaction.Redact(e.Name, e.Arguments));
        Raw(w, "result", e.Result);
        if (e.Error is { } error)
        {
            w.WriteStartObject("error");
            w.WriteString("type", error.Type);
            w.WriteString("message", error.Message);
            w.WriteString("stackTrace", error.StackTrace);
            w.WriteBoolean("nonRetryable", error.NonRetryable);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("error");
        }

        w.WriteString("scheduledAt", e.ScheduledAt);
        w.WriteString("createdAt", e.CreatedAt);
        Time(w, "startedAt", e.StartedAt);
        Time(w, "completedAt", e.CompletedAt);
        Id(w, "workerId", e.WorkerId);
        Id(w, "parentId", e.ParentId);
        w.WriteString("idempotencyKey", e.IdempotencyKey);
        w.WriteBoolean("cancelRequested", e.CancelRequested);
        WriteRetryAndHeartbeat(w, e);
        w.WriteStartObject("tags");
        foreach (var (key, value) in e.Tags)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
        WriteId(w, "continuedFrom", e.ContinuedFrom);
        WriteId(w, "continuedTo", e.ContinuedTo);
        w.WriteEndObject();
    }

    /// <summary>retryPolicy (seconds; null members are the worker's defaults) and heartbeat (DESIGN §2.1).</summary>
    private static void WriteRetryAndHeartbeat(Utf8JsonWriter w, ExecutionInfo e)
    {
        if (e.RetryPolicy is { } policy)
        {
            w.WriteStartObject("retryPolicy");
            Number(w, "initialDelaySeconds", policy.InitialDelay?.TotalSeconds);
            Number(w, "backoffCoefficient", policy.BackoffCoefficient);
            Number(w, "maximumDelaySeconds", policy.MaximumDelay?.TotalSeconds);
            w.WriteStartArray("nonRetryableErrorTypes");
            foreach (var type in policy.NonRetryableErrorTypes ?? [])
            {
                w.WriteStringValue(type);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("retryPolicy");
        }

        Number(w, "heartbeatTimeoutSeconds", e.HeartbeatTimeout?.TotalSeconds);
        Time(w, "heartbeatAt", e.HeartbeatAt);
        Raw(w, "heartbeatDetails", e.HeartbeatDetails);
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Raw(Utf8JsonWriter w, string name, string? json)
    {
        w.WritePropertyName(name);
        if (json is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(json);
        }
    }

    private static void Time(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Id(Utf8JsonWriter w, string name, Guid? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
