using System.Text.Json;

namespace Currant.Persistence;

/// <summary>
/// Reads a <see cref="SharedNames.HandOffChannel"/> payload: the worker it is for, a space, then the JSON array that
/// <see cref="Queries.ExecutionQueries.InsertHandOff"/> builds (id, kind, name, queue, args, max_attempts,
/// timeout_ms, trace_context, retry_policy, heartbeat_timeout_ms).
/// </summary>
internal static class HandOff
{
    private const int WorkerIdLength = 36;

    /// <summary>
    /// The row handed to <paramref name="workerId"/> as the claim would have returned it; false when the payload is
    /// for another worker or cannot be read.
    /// </summary>
    public static bool TryRead(string payload, Guid workerId, out ClaimedExecution row)
    {
        row = null!;
        if (payload.Length <= WorkerIdLength + 1 || payload[WorkerIdLength] != ' '
            || !Guid.TryParse(payload.AsSpan(0, WorkerIdLength), out var to) || to != workerId)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(payload.AsMemory(WorkerIdLength + 1));
            var a = document.RootElement;
            if (a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != 10)
            {
                return false;
            }

            var kind = StateNames.ParseKind(a[1].GetString()!);
            row = new ClaimedExecution(
                a[0].GetGuid(), kind, a[2].GetString()!, a[3].GetString()!, a[4].GetRawText(), Attempt: 1, a[5].GetInt32(),
                Milliseconds(a[6]), ParentId: null, ParentSeq: null, TraceContext: a[7].ValueKind == JsonValueKind.Null ? null : a[7].GetString(),
                CancelRequested: false, Activation: kind == ExecutionKind.Workflow ? 1 : 0,
                RetryPolicy: a[8].ValueKind == JsonValueKind.Null ? null : a[8].GetRawText(), HeartbeatTimeout: Milliseconds(a[9]));
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    private static TimeSpan? Milliseconds(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : TimeSpan.FromMilliseconds(e.GetInt32());
}
