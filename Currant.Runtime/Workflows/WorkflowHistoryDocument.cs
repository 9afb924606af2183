using System.Text;
using System.Text.Json;

namespace Currant.Workflows;

/// <summary>
/// A workflow and its whole history as one JSON document: what <c>currant history &lt;id&gt; --json</c> prints and
/// <c>WorkflowReplayer.ReplayAsync(json)</c> reads. One file writes and reads it, so the two never drift.
/// </summary>
/// <remarks>
/// It carries everything a replay needs and nothing it would have to guess: the workflow's name, id and arguments,
/// the start row (seq 0, the workflow's first time), version markers (negative seq), and per step its recorded
/// outcome as stored (result and error as raw JSON) with its arrival order (<c>order</c>: outcomes that arrived
/// after the call are delivered in this order on replay). <c>createdAt</c> is for people and is not read back.
/// </remarks>
internal sealed record WorkflowHistoryDocument(Guid Id, string Name, string Queue, string State, string Arguments, IReadOnlyList<HistoryEvent> Events)
{
    /// <summary>The value of the document's <c>format</c> property; a reader refuses any other.</summary>
    public const string Format = "currant-history/1";

    public static string Write(ExecutionInfo workflow, IReadOnlyList<HistoryEvent> events, IReadOnlyDictionary<int, DateTimeOffset>? createdAt = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteStartObject("workflow");
            w.WriteString("id", workflow.Id);
            w.WriteString("name", workflow.Name);
            w.WriteString("queue", workflow.Queue);
            w.WriteString("state", workflow.State.ToString().ToLowerInvariant());
            w.WritePropertyName("arguments");
            w.WriteRawValue(workflow.Arguments ?? "[]");
            w.WriteString("createdAt", workflow.CreatedAt);
            w.WriteEndObject();
            w.WriteStartArray("events");
            foreach (var e in events.OrderBy(e => e.Seq < 0).ThenBy(e => Math.Abs(e.Seq)))
            {
                w.WriteStartObject();
                w.WriteNumber("seq", e.Seq);
                w.WriteString("kind", e.Kind);
                w.WriteString("name", e.Name);
                w.WriteString("state", e.State);
                if (e.ChildId is { } child)
                {
                    w.WriteString("childId", child);
                }

                if (createdAt is not null && createdAt.TryGetValue(e.Seq, out var created))
                {
                    w.WriteString("createdAt", created);
                }

                if (e.CompletedAt is { } done)
                {
                    w.WriteString("completedAt", DateTime.SpecifyKind(done, DateTimeKind.Utc));
                }

                if (e.Order is { } order)
                {
                    w.WriteNumber("order", order);
                }

                w.WritePropertyName("result");
                if (e.Result is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    w.WriteRawValue(e.Result);
                }

                if (e.Error is not null)
                {
                    w.WritePropertyName("error");
                    w.WriteRawValue(e.Error);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads a document <see cref="Write"/> made; a clear <see cref="FormatException"/> for anything else.</summary>
    public static WorkflowHistoryDocument Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Not a workflow history: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != Format)
            {
                throw new FormatException($"Not a workflow history: expected an object with \"format\": \"{Format}\", as 'currant history <id> --json' prints.");
            }

            try
            {
                var workflow = root.GetProperty("workflow");
                var events = new List<HistoryEvent>();
                foreach (var e in root.GetProperty("events").EnumerateArray())
                {
                    events.Add(new HistoryEvent(
                        e.GetProperty("seq").GetInt32(),
                        e.GetProperty("kind").GetString()!,
                        e.GetProperty("name").GetString()!,
                        e.GetProperty("state").GetString()!,
                        e.TryGetProperty("childId", out var child) ? child.GetGuid() : null,
                        Raw(e, "result"),
                        Raw(e, "error"),
                        e.TryGetProperty("order", out var order) ? order.GetInt64() : null,
                        e.TryGetProperty("completedAt", out var done) ? done.GetDateTimeOffset().UtcDateTime : null));
                }

                return new WorkflowHistoryDocument(
                    workflow.GetProperty("id").GetGuid(),
                    workflow.GetProperty("name").GetString()!,
                    workflow.GetProperty("queue").GetString()!,
                    workflow.TryGetProperty("state", out var state) ? state.GetString() ?? "" : "",
                    Raw(workflow, "arguments") ?? "[]",
                    events);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new FormatException($"Not a complete workflow history ({Format}): {ex.Message}", ex);
            }
        }
    }

    private static string? Raw(JsonElement element, string property)
        => element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetRawText() : null;

    /// <summary>The recorded state the replayer feeds a fresh instance: every event, no buffered signals.</summary>
    public WorkflowState ToState() => new(Events, [], WakeCount: 0, CreatedAt: Events.FirstOrDefault(e => e.Kind == HistoryEvent.StartKind)?.CompletedAt is { } at
        ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))
        : DateTimeOffset.MinValue);
}
