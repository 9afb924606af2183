using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Currant.CommandLine;

/// <summary><c>currant schedules list|pause|resume|trigger|delete</c>: the operator's side of <c>client.Schedules</c>.</summary>
internal static class ScheduleCommands
{
    public static CliCommand Build(IServiceProvider? host)
    {
        var command = new CliCommand("schedules", "List, pause, resume, trigger or delete schedules ([Schedule] attributes and X.Schedule(...)).");
        command.Subcommands.Add(ListCommand(host));
        command.Subcommands.Add(NamedCommand(host, "pause", "Stop a schedule from firing until it is resumed (a trigger still runs it).",
            async (client, name, ct) => await client.Schedules.PauseAsync(name, ct).ConfigureAwait(false) ? new Outcome("paused", null) : null));
        command.Subcommands.Add(NamedCommand(host, "resume", "Let a paused schedule fire again from its next fire time (times passed while paused are not caught up).",
            async (client, name, ct) => await client.Schedules.ResumeAsync(name, ct).ConfigureAwait(false) ? new Outcome("resumed", null) : null));
        command.Subcommands.Add(NamedCommand(host, "trigger", "Enqueue one run of a schedule now (paused or not); prints the run's id.",
            async (client, name, ct) =>
            {
                try
                {
                    return new Outcome("triggered", await client.Schedules.TriggerAsync(name, ct).ConfigureAwait(false));
                }
                catch (InvalidOperationException)
                {
                    return null;
                }
            }));
        command.Subcommands.Add(NamedCommand(host, "delete", "Delete a schedule (its runs stay; a [Schedule] attribute's comes back when a worker of its queue starts).",
            async (client, name, ct) => await client.Schedules.DeleteAsync(name, ct).ConfigureAwait(false) ? new Outcome("deleted", null) : null));
        return command;
    }

    private static CliCommand ListCommand(IServiceProvider? host)
    {
        var json = new CliOption<bool>("--json") { Description = "Print JSON" };
        var command = new CliCommand("list", "List schedules: name, what they run, cron and time zone, next and last fire time, paused.") { Options = { json } };
        command.Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            await using var client = await CurrantCommandLine.ConnectAsync(parse, host, ct).ConfigureAwait(false);
            var schedules = await client.Schedules.ListAsync(ct).ConfigureAwait(false);
            await output.WriteLineAsync(parse.GetValue(json) ? Json(schedules) : Table(schedules)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>What a command did to a schedule (<c>paused</c>, <c>resumed</c>, <c>triggered</c> with the run's id, <c>deleted</c>).</summary>
    private sealed record Outcome(string Action, Guid? RunId);

    /// <summary>A command on one schedule: <paramref name="act"/> returns what it did, or null when no schedule has the name.</summary>
    private static CliCommand NamedCommand(IServiceProvider? host, string verb, string description, Func<CurrantClient, string, CancellationToken, Task<Outcome?>> act)
    {
        var name = new CliArgument<string>("name") { Description = "Schedule name (see 'schedules list')" };
        var json = new CliOption<bool>("--json") { Description = "Print JSON: {\"schedule\", \"action\", \"runId\"}" };
        var command = new CliCommand(verb, description) { Arguments = { name }, Options = { json } };
        command.Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            var scheduleName = parse.GetValue(name)!;
            await using var client = await CurrantCommandLine.ConnectAsync(parse, host, ct).ConfigureAwait(false);
            var outcome = await act(client, scheduleName, ct).ConfigureAwait(false)
                ?? throw new CommandLineException($"No schedule is named '{scheduleName}'. 'schedules list' shows them.");
            await output.WriteLineAsync(parse.GetValue(json) ? Json(scheduleName, outcome) : Text(scheduleName, outcome)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static string Text(string name, Outcome outcome)
        => outcome.RunId is { } run ? $"Schedule '{name}' {outcome.Action}: run {run}." : $"Schedule '{name}' {outcome.Action}.";

    private static string Json(string name, Outcome outcome)
    {
        return CommandJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("schedule", name);
            w.WriteString("action", outcome.Action);
            if (outcome.RunId is { } run)
            {
                w.WriteString("runId", run);
            }
            else
            {
                w.WriteNull("runId");
            }

            w.WriteEndObject();
        });
    }

    internal static string Table(IReadOnlyList<ScheduleInfo> schedules)
    {
        if (schedules.Count == 0)
        {
            return "No schedules.";
        }

        string[] header = ["NAME", "RUNS", "KIND", "QUEUE", "CRON", "TIME ZONE", "NEXT (UTC)", "LAST (UTC)", "STATE"];
        var rows = schedules.Select(s => new[]
        {
            s.Name, s.Target, s.Kind.ToString().ToLowerInvariant(), s.Queue, s.Spec.Cron, s.Spec.TimeZone,
            Format(s.NextRunAt), Format(s.LastRunAt), s.Paused ? "paused" : "active",
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        var b = new StringBuilder();
        void Row(string[] cells) => b.AppendJoin("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).Append('\n');
        Row(header);
        foreach (var row in rows)
        {
            Row(row);
        }

        return b.ToString().TrimEnd('\n');
    }

    private static string Format(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";

    internal static string Json(IReadOnlyList<ScheduleInfo> schedules)
    {
        return CommandJson.Write(w =>
        {
            w.WriteStartArray();
            foreach (var s in schedules)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Name);
                w.WriteString("target", s.Target);
                w.WriteString("kind", s.Kind.ToString().ToLowerInvariant());
                w.WriteString("queue", s.Queue);
                w.WritePropertyName("arguments");
                w.WriteRawValue(s.ArgumentsJson);
                w.WriteString("cron", s.Spec.Cron);
                w.WriteString("timeZone", s.Spec.TimeZone);
                w.WriteString("overlap", s.Spec.Overlap.ToString());
                w.WriteString("catchUp", s.Spec.CatchUp.ToString());
                if (s.Spec.CatchUpWindow is { } window)
                {
                    w.WriteNumber("catchUpWindowSeconds", window.TotalSeconds);
                }
                else
                {
                    w.WriteNull("catchUpWindowSeconds");
                }

                w.WriteBoolean("fromAttribute", s.FromAttribute);
                w.WriteBoolean("paused", s.Paused);
                WriteTime(w, "nextRunAt", s.NextRunAt);
                WriteTime(w, "lastRunAt", s.LastRunAt);
                if (s.LastExecutionId is { } last)
                {
                    w.WriteString("lastExecutionId", last);
                }
                else
                {
                    w.WriteNull("lastExecutionId");
                }

                WriteTime(w, "bufferedAt", s.BufferedAt);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? at)
    {
        if (at is { } t)
        {
            w.WriteString(name, t);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
