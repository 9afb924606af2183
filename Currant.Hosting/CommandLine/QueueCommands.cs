using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Currant.CommandLine;

/// <summary><c>currant queues list|pause|resume|limit</c>: queue controls that hold across every worker.</summary>
internal static class QueueCommands
{
    public static CliCommand Build(IServiceProvider? host)
    {
        var command = new CliCommand("queues", "Pause, resume and limit queues across all workers; list them.");
        command.Subcommands.Add(List(host));
        command.Subcommands.Add(Pause(host, paused: true));
        command.Subcommands.Add(Pause(host, paused: false));
        command.Subcommands.Add(Limit(host));
        return command;
    }

    private static CliCommand List(IServiceProvider? host)
    {
        var json = new CliOption<bool>("--json") { Description = "Print JSON" };
        var command = new CliCommand("list", "Queues with a setting or with pending or running executions.") { Options = { json } };
        command.Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            await using var client = await CurrantCommandLine.ConnectAsync(parse, host, ct).ConfigureAwait(false);
            var queues = await client.Queues.ListAsync(ct).ConfigureAwait(false);
            await output.WriteLineAsync(parse.GetValue(json) ? Json(queues) : Table(queues)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static CliCommand Pause(IServiceProvider? host, bool paused)
    {
        var queue = new CliArgument<string>("queue") { Description = "Queue name" };
        var json = new CliOption<bool>("--json") { Description = "Print JSON" };
        var command = new CliCommand(paused ? "pause" : "resume", paused
            ? "Stop every worker claiming from a queue (running executions finish; enqueues are still accepted)."
            : "Let workers claim from a paused queue again.") { Options = { json }, Arguments = { queue } };
        command.Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            var name = parse.GetValue(queue)!;
            await using var client = await CurrantCommandLine.ConnectAsync(parse, host, ct).ConfigureAwait(false);
            await Checked(() => paused ? client.Queues.PauseAsync(name, ct) : client.Queues.ResumeAsync(name, ct)).ConfigureAwait(false);
            await output.WriteLineAsync(await ReportAsync(client, name, parse.GetValue(json), paused ? "paused" : "resumed", ct).ConfigureAwait(false)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static CliCommand Limit(IServiceProvider? host)
    {
        var queue = new CliArgument<string>("queue") { Description = "Queue name" };
        var max = new CliArgument<string>("max") { Description = "Executions of the queue that may run at once across all workers (at least 1), or 'none' to remove the limit" };
        var json = new CliOption<bool>("--json") { Description = "Print JSON" };
        var command = new CliCommand("limit", "Cap how many executions of a queue run at once across all workers.") { Options = { json }, Arguments = { queue, max } };
        command.Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            var name = parse.GetValue(queue)!;
            var text = parse.GetValue(max)!;
            int? limit = text.Equals("none", StringComparison.OrdinalIgnoreCase) ? null
                : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
                : throw new CommandLineException($"'{text}' is not a concurrency limit: give a whole number of at least 1, or 'none' to remove the limit.");
            await using var client = await CurrantCommandLine.ConnectAsync(parse, host, ct).ConfigureAwait(false);
            await Checked(() => client.Queues.SetLimitAsync(name, limit, ct)).ConfigureAwait(false);
            await output.WriteLineAsync(await ReportAsync(client, name, parse.GetValue(json), limit is null ? "unlimited" : $"limited to {limit}", ct).ConfigureAwait(false)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task Checked(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new CommandLineException(ex.Message);
        }
    }

    private static async Task<string> ReportAsync(CurrantClient client, string name, bool json, string what, CancellationToken ct)
    {
        var queues = await client.Queues.ListAsync(ct).ConfigureAwait(false);
        var queue = queues.FirstOrDefault(q => q.Name == name) ?? new QueueInfo(name, false, null, 0, 0);
        return json ? Json([queue], asArray: false) : $"Queue '{name}' {what}.";
    }

    private static string Table(IReadOnlyList<QueueInfo> queues)
    {
        if (queues.Count == 0)
        {
            return "No queues.";
        }

        var width = Math.Max("QUEUE".Length, queues.Max(q => q.Name.Length));
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"{"QUEUE".PadRight(width)}  {"STATE",-7}  {"LIMIT",5}  {"PENDING",9}  {"RUNNING",7}\n");
        foreach (var q in queues)
        {
            b.Append(CultureInfo.InvariantCulture,
                $"{q.Name.PadRight(width)}  {(q.Paused ? "paused" : "active"),-7}  {q.MaxConcurrency?.ToString(CultureInfo.InvariantCulture) ?? "-",5}  {q.Pending,9}  {q.Running,7}\n");
        }

        return b.ToString().TrimEnd('\n');
    }

    private static string Json(IReadOnlyList<QueueInfo> queues, bool asArray = true)
    {
        return CommandJson.Write(w =>
        {
            if (asArray)
            {
                w.WriteStartArray();
            }

            foreach (var q in queues)
            {
                w.WriteStartObject();
                w.WriteString("name", q.Name);
                w.WriteBoolean("paused", q.Paused);
                if (q.MaxConcurrency is { } max)
                {
                    w.WriteNumber("maxConcurrency", max);
                }
                else
                {
                    w.WriteNull("maxConcurrency");
                }

                w.WriteNumber("pending", q.Pending);
                w.WriteNumber("running", q.Running);
                w.WriteEndObject();
            }

            if (asArray)
            {
                w.WriteEndArray();
            }
        });
    }
}
