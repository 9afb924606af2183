using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Currant.CommandLine;

/// <summary>The output of <c>currant history</c>.</summary>
internal static class HistoryText
{
    public static string Table(ExecutionInfo workflow, IReadOnlyList<HistoryRow> rows)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"{workflow.Name} {workflow.Id}: {workflow.State.ToString().ToLowerInvariant()}\n");
        b.Append(CultureInfo.InvariantCulture, $"{"SEQ",4}  {"KIND",-8}  {"NAME",-22}  {"STATE",-9}  {"MS",7}  RESULT / ERROR\n");
        foreach (var r in rows)
        {
            var ms = r.CompletedAt is { } done ? (done - r.CreatedAt).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) : "-";
            var detail = r.Error is { } e ? $"{e.Type}: {e.Message}" : r.Result ?? "";
            if (detail.Length > 60)
            {
                detail = detail[..59] + "…";
            }

            b.Append(CultureInfo.InvariantCulture, $"{r.Seq,4}  {r.Kind,-8}  {r.Name,-22}  {r.State,-9}  {ms,7}  {detail}\n");
        }

        if (rows.Count == 0)
        {
            b.Append("(no steps yet)\n");
        }

        return b.ToString().TrimEnd('\n');
    }

    public static string Json(IReadOnlyList<HistoryRow> rows)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var r in rows)
            {
                w.WriteStartObject();
                w.WriteNumber("seq", r.Seq);
                w.WriteString("kind", r.Kind);
                w.WriteString("name", r.Name);
                w.WriteString("state", r.State);
                if (r.ChildId is { } child)
                {
                    w.WriteString("childId", child);
                }

                w.WriteString("createdAt", r.CreatedAt);
                if (r.CompletedAt is { } done)
                {
                    w.WriteString("completedAt", done);
                }

                w.WritePropertyName("result");
                if (r.Result is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    w.WriteRawValue(r.Result);
                }

                if (r.Error is { } e)
                {
                    w.WriteString("error", $"{e.Type}: {e.Message}");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
