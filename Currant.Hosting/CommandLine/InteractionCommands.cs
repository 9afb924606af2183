using System.Text;
using System.Text.Json;

namespace Currant.CommandLine;

/// <summary>
/// <c>currant query</c> and <c>currant update</c>: a workflow's [Query] and [Update] handlers by name, with arguments
/// as JSON (the value for one parameter, an array for several: what the generated handle sends).
/// </summary>
internal static class InteractionCommands
{
    private const string ArgsHelp = "Arguments as JSON: the value for a handler with one parameter ('\"ana\"', '3'), an array for several ('[\"ana\", 2]'); omit for none";

    public static CliCommand Query(IServiceProvider? host)
    {
        var id = new CliArgument<string>("id") { Description = "Workflow id (any run of a continue-as-new chain: its last run answers)" };
        var name = new CliArgument<string>("name") { Description = "Query name ([Query] method name, or its Name)" };
        var args = new CliOption<string?>("--args", "-a") { Description = ArgsHelp };
        var timeout = new CliOption<string?>("--timeout") { Description = "How long to wait for an answer, e.g. 30s (default 10s)" };
        var json = new CliOption<bool>("--json") { Description = "Print JSON" };
        var command = new CliCommand("query", "Ask a running workflow's [Query] handler; answered by a live worker of its queue, nothing is recorded.")
        {
            Options = { args, timeout, json },
            Arguments = { id, name },
        };
        command.Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            var workflowId = CurrantCommandLine.ParseId(parse.GetValue(id));
            var queryName = parse.GetValue(name)!;
            var arguments = Arguments(parse.GetValue(args));
            var limit = Duration(parse.GetValue(timeout));
            await using var client = await CurrantCommandLine.ConnectAsync(parse, host, ct).ConfigureAwait(false);
            byte[]? result;
            try
            {
                result = await client.QueryAsync(workflowId, queryName, arguments, limit, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or ExecutionFailedException)
            {
                throw new CommandLineException(ex is ExecutionFailedException failed ? $"The '{queryName}' query failed: {failed.Error.Message}" : ex.Message);
            }

            await output.WriteLineAsync(parse.GetValue(json)
                ? Json(w =>
                {
                    w.WriteString("workflowId", workflowId);
                    w.WriteString("query", queryName);
                    WriteJson(w, "result", result);
                })
                : Text(result)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static CliCommand Update(IServiceProvider? host)
    {
        var id = new CliArgument<string>("id") { Description = "Workflow id (any run of a continue-as-new chain: its last run takes the update)" };
        var name = new CliArgument<string>("name") { Description = "Update name ([Update] method name, or its Name)" };
        var args = new CliOption<string?>("--args", "-a") { Description = ArgsHelp };
        var updateId = new CliOption<string?>("--update-id") { Description = "The update's id (default: a new one). Run again with the same id to get the result of an update already sent, without running it twice" };
        var timeout = new CliOption<string?>("--timeout") { Description = "How long to wait for the result, e.g. 30s (default: until it ends; Ctrl-C stops waiting, the update stays)" };
        var json = new CliOption<bool>("--json") { Description = "Print JSON (a rejected or failed update too, with its error, exit code 1)" };
        var command = new CliCommand("update", "Send an update to a running workflow's [Update] handler and wait for its result (validated first; a rejected update leaves no trace).")
        {
            Options = { args, updateId, timeout, json },
            Arguments = { id, name },
        };
        command.Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            var workflowId = CurrantCommandLine.ParseId(parse.GetValue(id));
            var updateName = parse.GetValue(name)!;
            var arguments = Arguments(parse.GetValue(args));
            var limit = Duration(parse.GetValue(timeout));
            // Made here when not given, so --json can print it: running again with it returns the same update's result.
            var key = parse.GetValue(updateId) ?? Guid.CreateVersion7().ToString();
            var asJson = parse.GetValue(json);
            await using var client = await CurrantCommandLine.ConnectAsync(parse, host, ct).ConfigureAwait(false);
            byte[]? result;
            try
            {
                result = await client.UpdateAsync(workflowId, updateName, arguments, key, limit, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (asJson && ex is UpdateRejectedException or ExecutionFailedException)
            {
                var (state, error) = ex is UpdateRejectedException rejected ? ("rejected", rejected.Error) : ("failed", ((ExecutionFailedException)ex).Error);
                await output.WriteLineAsync(Json(w =>
                {
                    w.WriteString("workflowId", workflowId);
                    w.WriteString("update", updateName);
                    w.WriteString("updateId", key);
                    w.WriteString("state", state);
                    w.WriteStartObject("error");
                    w.WriteString("type", error.Type);
                    w.WriteString("message", error.Message);
                    w.WriteEndObject();
                })).ConfigureAwait(false);
                return 1;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or UpdateRejectedException)
            {
                throw new CommandLineException(ex.Message);
            }
            catch (ExecutionFailedException ex)
            {
                throw new CommandLineException($"The '{updateName}' update of workflow {workflowId} failed: {ex.Error.Message}");
            }

            await output.WriteLineAsync(asJson
                ? Json(w =>
                {
                    w.WriteString("workflowId", workflowId);
                    w.WriteString("update", updateName);
                    w.WriteString("updateId", key);
                    w.WriteString("state", "completed");
                    WriteJson(w, "result", result);
                })
                : Text(result)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>The --args text as UTF-8 (the client checks it is JSON, within the size limit, without NUL); null when absent.</summary>
    private static byte[]? Arguments(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    private static TimeSpan? Duration(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var span = CurrantEnvironment.ParseDuration(text, "--timeout");
        return span > TimeSpan.Zero ? span : throw new CommandLineException($"--timeout must be positive (got '{text}').");
    }

    /// <summary>The result as its JSON text; <c>null</c> for a handler that returns nothing.</summary>
    private static string Text(byte[]? result) => result is null ? "null" : Encoding.UTF8.GetString(result);

    private static void WriteJson(Utf8JsonWriter w, string property, byte[]? json)
    {
        w.WritePropertyName(property);
        if (json is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(json);
        }
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        return CommandJson.Write(w =>
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        });
    }
}
