using System.Text;
using System.Text.Json;
using Currant.CommandLine;
using Currant.Testing;

namespace Currant.Cli;

/// <summary>
/// <c>currant replay --assembly App.dll</c>: replays every in-flight workflow of a database against a build, read-only,
/// and exits <see cref="WouldPark"/> when any would be parked: a pre-deploy gate for CI.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>The exit code when some workflow would be parked (1 stays "the command could not run").</summary>
    public const int WouldPark = 3;

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The 'currant' tool is not trimmed; --assembly loads the application to replay.")]
    public static CliCommand Create()
    {
        var assemblies = new CliOption<string[]>("--assembly", "-a") { Description = "Path to the application .dll (the build to check) whose workflows to replay (repeatable)", Required = true };
        var name = new CliOption<string?>("--name", "-n") { Description = "Only workflows of this name" };
        var id = new CliOption<string?>("--id") { Description = "Only this workflow" };
        var json = new CliOption<bool>("--json") { Description = "Print JSON" };
        var command = new CliCommand("replay",
            "Replay every in-flight workflow (pending, running, suspended) of the database against a build, read-only. " +
            $"Exits 0 when all would carry on, {WouldPark} when any would be parked (each named with the step, the expected and the found call).")
        {
            Options = { assemblies, name, id, json },
        };
        command.Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            var paths = parse.GetValue(assemblies) ?? [];
            foreach (var path in paths)
            {
                CurrantCommandLine.LoadApplicationAssembly(path);
            }

            var filter = new ReplayFilter
            {
                Name = parse.GetValue(name),
                Id = parse.GetValue(id) is { } text ? CurrantCommandLine.ParseId(text) : null,
            };
            await using var client = await CurrantCommandLine.ConnectAsync(parse, ct).ConfigureAwait(false);
            var report = await WorkflowReplayer.ReplayAsync(client, filter, ct).ConfigureAwait(false);
            var build = string.Join(", ", paths.Select(Path.GetFileName));
            await output.WriteLineAsync(parse.GetValue(json) ? Json(report) : Text(report, build)).ConfigureAwait(false);
            return report.Succeeded ? 0 : WouldPark;
        });
        return command;
    }

    internal static string Text(ReplayReport report, string build)
    {
        var b = new StringBuilder();
        foreach (var w in report.Workflows.Where(w => w.Outcome != ReplayOutcome.Compatible))
        {
            b.Append(w).Append('\n');
        }

        var parked = report.WouldPark.Count;
        b.Append($"Replayed {report.Workflows.Count} in-flight workflow(s) against {build}: ");
        b.Append(parked == 0 ? "none would be parked." : $"{parked} would be parked.");
        return b.ToString();
    }

    internal static string Json(ReplayReport report)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("replayed", report.Workflows.Count);
            w.WriteNumber("wouldPark", report.WouldPark.Count);
            w.WriteStartArray("workflows");
            foreach (var r in report.Workflows)
            {
                w.WriteStartObject();
                w.WriteString("id", r.WorkflowId);
                w.WriteString("name", r.Name);
                w.WriteString("outcome", JsonNamingPolicy.CamelCase.ConvertName(r.Outcome.ToString()));
                w.WriteBoolean("wouldPark", r.WouldPark);
                if (r.Nondeterminism is { } n)
                {
                    if (n.Step is { } step)
                    {
                        w.WriteNumber("step", step);
                    }

                    w.WriteString("expected", n.Expected);
                    w.WriteString("found", n.Found);
                    if (n.SourceFile is not null)
                    {
                        w.WriteString("sourceFile", n.SourceFile);
                        w.WriteNumber("sourceLine", n.SourceLine ?? 0);
                    }

                    if (n.Member is not null)
                    {
                        w.WriteString("member", n.Member);
                    }

                    w.WriteString("message", n.Message);
                }

                if (r.Error is not null)
                {
                    w.WriteString("error", r.Error);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
