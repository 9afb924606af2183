using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.Extensions.Logging;

namespace Currant.CommandLine;

/// <summary>
/// The <c>currant</c> commands. The <c>currant</c> tool is a thin shell over this class, and an application can
/// expose the same commands from its own <c>Program.cs</c> so its registrations are used.
/// </summary>
internal static class CurrantCommandLine
{
    /// <summary>Parses <paramref name="args"/> and runs the command; returns the process exit code.</summary>
    public static Task<int> InvokeAsync(string[] args, IEnumerable<CliCommand>? extraCommands = null, TextWriter? output = null, TextWriter? error = null)
        => InvokeAsync(args, host: null, extraCommands, output, error);

    /// <summary>
    /// Runs a command inside an application: with <paramref name="host"/>, commands use the host's database and
    /// settings unless <c>--database-url</c> is given, and <c>worker</c> runs with the host's container and
    /// <c>Currant:Worker</c> settings.
    /// </summary>
    internal static Task<int> InvokeAsync(string[] args, IServiceProvider? host, IEnumerable<CliCommand>? extraCommands = null, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var root = Build(extraCommands, host);

        // Ctrl-C and SIGTERM cancel the command's token; the process then waits this long for it to end: a worker's
        // whole graceful drain.
        return CliParser.InvokeAsync(root, args, output ?? Console.Out, error ?? Console.Error, HostCommands.DrainTimeout(host), cancellationToken);
    }

    /// <summary>The names of the built-in commands an application exposes through <c>RunWithCurrantCommandsAsync</c>.</summary>
    internal static IReadOnlyList<string> HostCommandNames { get; } = ["migrate", "worker", "status", "list", "cancel", "signal", "history", "retry", "queues", "schedules", "query", "update"];

    /// <summary>The database URL option every command shares (falls back to <c>CURRANT_DATABASE_URL</c>).</summary>
    public static CliOption<string?> DatabaseUrl { get; } = new("--database-url", "-d")
    {
        Description = $"PostgreSQL connection string or postgres:// URL (default: ${CurrantEnvironment.DatabaseUrl})",
        Recursive = true,
    };

    /// <summary>Builds the root command with every built-in command plus <paramref name="extraCommands"/>.</summary>
    public static CliCommand Build(IEnumerable<CliCommand>? extraCommands = null) => Build(extraCommands, host: null);

    internal static CliCommand Build(IEnumerable<CliCommand>? extraCommands, IServiceProvider? host)
    {
        var root = new CliCommand(RootName(host), "Currant: durable jobs and workflows on PostgreSQL.");
        root.Options.Add(DatabaseUrl);
        root.Subcommands.Add(MigrateCommand(host));
        root.Subcommands.Add(WorkerCommand(host));
        root.Subcommands.Add(StatusCommand(host));
        root.Subcommands.Add(ListCommand(host));
        root.Subcommands.Add(CancelCommand(host));
        root.Subcommands.Add(SignalCommand(host));
        root.Subcommands.Add(HistoryCommand(host));
        root.Subcommands.Add(RetryCommand(host));
        root.Subcommands.Add(QueueCommands.Build(host));
        root.Subcommands.Add(ScheduleCommands.Build(host));
        root.Subcommands.Add(InteractionCommands.Query(host));
        root.Subcommands.Add(InteractionCommands.Update(host));
        foreach (var command in extraCommands ?? [])
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>The name help shows for the root: the tool's, or the application's when it runs the commands.</summary>
    private static string RootName(IServiceProvider? host)
        => host is not null && System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name is { Length: > 0 } application ? application : "currant";

    /// <summary>Connects with the URL from the parse result or the environment, with a clear error when absent.</summary>
    public static Task<CurrantClient> ConnectAsync(CliParseResult parse, CancellationToken cancellationToken)
    {
        var url = parse.GetValue(DatabaseUrl) ?? Environment.GetEnvironmentVariable(CurrantEnvironment.DatabaseUrl);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new CommandLineException($"No database given: pass --database-url or set {CurrantEnvironment.DatabaseUrl}. (For a throwaway local one, run 'currant dev'.)");
        }

        return CurrantClient.ConnectAsync(url, cancellationToken: cancellationToken);
    }

    /// <summary>In an application, the host's database unless --database-url names another.</summary>
    internal static Task<CurrantClient> ConnectAsync(CliParseResult parse, IServiceProvider? host, CancellationToken cancellationToken)
        => host is not null && string.IsNullOrWhiteSpace(parse.GetValue(DatabaseUrl))
            ? HostCommands.ConnectAsync(host, cancellationToken)
            : ConnectAsync(parse, cancellationToken);

    private static CliCommand MigrateCommand(IServiceProvider? host)
    {
        var json = new CliOption<bool>("--json") { Description = "Print JSON: {\"applied\": [the migrations this run applied]}" };
        var command = new CliCommand("migrate", "Create or upgrade the currant schema (idempotent, safe to run concurrently).") { Options = { json } };
        command.Action = (parse, ct) => RunAsync(parse, async output =>
        {
            await using var client = await ConnectAsync(parse, host, ct).ConfigureAwait(false);
            var applied = await client.MigrateAsync(ct).ConfigureAwait(false);
            await output.WriteLineAsync(parse.GetValue(json) ? AppliedJson(applied)
                : applied.Count == 0 ? "Schema is up to date."
                : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static string AppliedJson(IReadOnlyList<string> applied)
    {
        using var stream = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("applied");
            foreach (var name in applied)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    // --assembly exists only in the tool (no host): an application's worker knows its own registrations, and an
    // application may be trimmed or native, where loading an assembly from disk cannot work.
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "--assembly is offered only without a host, that is in the 'currant' tool, which is not trimmed.")]
    private static CliCommand WorkerCommand(IServiceProvider? host)
    {
        var queues = new CliOption<string[]>("--queue", "-q") { Description = "Queue to serve (repeatable; default: default)", AllowMultipleArgumentsPerToken = true };
        var concurrency = new CliOption<int?>("--concurrency", "-c") { Description = "Executions run at once (default: $CURRANT_WORKER_MAX_CONCURRENT or 16)" };
        var assemblies = new CliOption<string[]>("--assembly", "-a") { Description = "Path to an application .dll whose [Job]/[Activity]/[Workflow] classes to load (repeatable)" };
        var pollOnly = new CliOption<bool>("--poll-only") { Description = "Do not LISTEN (PgBouncer transaction pooling)" };
        var command = new CliCommand("worker", "Run a worker until Ctrl-C (then shut down gracefully).") { Options = { queues, concurrency, pollOnly } };
        if (host is null)
        {
            command.Options.Add(assemblies);
        }

        command.Action = (parse, ct) => RunAsync(parse, async output =>
        {
            foreach (var path in parse.GetValue(assemblies) ?? [])
            {
                LoadApplicationAssembly(path);
            }

            if (host is not null)
            {
                return await HostCommands.RunWorkerAsync(host, parse.GetValue(DatabaseUrl), parse.GetValue(queues), parse.GetValue(concurrency), parse.GetValue(pollOnly), output, ct).ConfigureAwait(false);
            }

            using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
            var url = parse.GetValue(DatabaseUrl) ?? Environment.GetEnvironmentVariable(CurrantEnvironment.DatabaseUrl);
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new CommandLineException($"No database given: pass --database-url or set {CurrantEnvironment.DatabaseUrl}.");
            }

            await using var client = await CurrantClient.ConnectAsync(url, new CurrantClientOptions { LoggerFactory = loggerFactory }, ct).ConfigureAwait(false);
            var options = new WorkerOptions { PollOnly = parse.GetValue(pollOnly) };
            var q = parse.GetValue(queues);
            if (q is { Length: > 0 })
            {
                options = options with { Queues = q };
            }

            if (parse.GetValue(concurrency) is { } c)
            {
                options = options with { MaxConcurrency = c };
            }

            var names = string.Join(", ", ExecutionRegistry.All.Select(d => d.Name).Order(StringComparer.Ordinal));
            await using var worker = await client.StartWorkerAsync(options, cancellationToken: ct).ConfigureAwait(false);
            await output.WriteLineAsync($"Worker {worker.Id} serving [{string.Join(", ", options.Queues)}] with concurrency {options.MaxConcurrency}; knows: {(names.Length == 0 ? "(nothing: pass --assembly)" : names)}").ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await output.WriteLineAsync("Stopping: finishing in-flight executions...").ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static CliCommand StatusCommand(IServiceProvider? host)
    {
        var id = new CliArgument<string>("id") { Description = "Execution id" };
        var json = new CliOption<bool>("--json") { Description = "Print JSON" };
        var command = new CliCommand("status", "Show one execution.") { Options = { json }, Arguments = { id } };
        command.Action = (parse, ct) => RunAsync(parse, async output =>
        {
            var executionId = ParseId(parse.GetValue(id));
            await using var client = await ConnectAsync(parse, host, ct).ConfigureAwait(false);
            var info = await client.GetExecutionAsync(executionId, ct).ConfigureAwait(false)
                ?? throw new CommandLineException($"No execution with id {executionId}.");
            await output.WriteLineAsync(parse.GetValue(json) ? ExecutionJson.Write(info) : ExecutionText.Details(info)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static CliCommand ListCommand(IServiceProvider? host)
    {
        var queue = new CliOption<string?>("--queue", "-q") { Description = "Only this queue" };
        var status = new CliOption<string?>("--status", "-s") { Description = "Only this state: pending, running, suspended, completed, failed, cancelled" };
        var limit = new CliOption<int>("--limit", "-n") { Description = "At most this many (default 50)", DefaultValueFactory = () => 50 };
        var kind = new CliOption<string?>("--kind", "-k") { Description = "Only this kind: job, activity, workflow, timer" };
        var all = new CliOption<bool>("--all") { Description = "Include workflows' internal timer rows (hidden by default)" };
        var json = new CliOption<bool>("--json") { Description = "Print JSON" };
        var tag = new CliOption<string[]>("--tag", "-t") { Description = "Only executions with this tag, as key=value (repeat for several; all must match)" };
        var command = new CliCommand("list", "List executions, newest first (internal timer rows only with --all or --kind timer).") { Options = { queue, status, kind, all, limit, json, tag } };
        command.Action = (parse, ct) => RunAsync(parse, async output =>
        {
            ExecutionState? state = null;
            if (parse.GetValue(status) is { } s)
            {
                state = Enum.TryParse<ExecutionState>(s, ignoreCase: true, out var parsed) && !int.TryParse(s, out _)
                    ? parsed
                    : throw new CommandLineException($"Unknown status '{s}'. Use one of: pending, running, suspended, completed, failed, cancelled.");
            }

            ExecutionKind? kindFilter = null;
            if (parse.GetValue(kind) is { } k)
            {
                kindFilter = Enum.TryParse<ExecutionKind>(k, ignoreCase: true, out var parsed) && !int.TryParse(k, out _)
                    ? parsed
                    : throw new CommandLineException($"Unknown kind '{k}'. Use one of: job, activity, workflow, timer.");
            }

            await using var client = await ConnectAsync(parse, host, ct).ConfigureAwait(false);
            var tags = ParseTags(parse.GetValue(tag));
            var filter = new ExecutionFilter { Queue = parse.GetValue(queue), State = state, Kind = kindFilter, IncludeTimers = parse.GetValue(all), Limit = parse.GetValue(limit), Tags = tags };
            var rows = await client.ListAsync(filter, ct).ConfigureAwait(false);
            await output.WriteLineAsync(parse.GetValue(json) ? ExecutionJson.Write(rows) : ExecutionText.Table(rows)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>Repeated <c>--tag key=value</c> options; null when none. A key given twice is an error, not a silent pick.</summary>
    private static Dictionary<string, string>? ParseTags(string[]? values)
    {
        if (values is null || values.Length == 0)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in values)
        {
            KeyValuePair<string, string> parsed;
            try
            {
                parsed = ExecutionTags.Parse(text);
            }
            catch (ArgumentException ex)
            {
                throw new CommandLineException($"--tag: {ex.Message.Split(" (Parameter", 2)[0]}");
            }

            if (!tags.TryAdd(parsed.Key, parsed.Value))
            {
                throw new CommandLineException($"--tag: the key '{parsed.Key}' is given twice; an execution holds one value per key.");
            }
        }

        return tags;
    }

    private static CliCommand CancelCommand(IServiceProvider? host)
    {
        var id = new CliArgument<string>("id") { Description = "Execution id" };
        var json = new CliOption<bool>("--json") { Description = "Print the execution as 'status --json' does, after the request" };
        var command = new CliCommand("cancel", "Cancel an execution (running code sees its CancellationToken fire).") { Options = { json }, Arguments = { id } };
        command.Action = (parse, ct) => RunAsync(parse, async output =>
        {
            var executionId = ParseId(parse.GetValue(id));
            await using var client = await ConnectAsync(parse, host, ct).ConfigureAwait(false);
            if (await client.CancelAsync(executionId, ct).ConfigureAwait(false))
            {
                await output.WriteLineAsync(parse.GetValue(json)
                    ? await AfterAsync(client, executionId, ct).ConfigureAwait(false)
                    : $"Cancellation requested for {executionId}.").ConfigureAwait(false);
                return 0;
            }

            var info = await client.GetExecutionAsync(executionId, ct).ConfigureAwait(false);
            throw new CommandLineException(info is null
                ? $"No execution with id {executionId}."
                : $"Execution {executionId} has already finished ({info.State.ToString().ToLowerInvariant()}); nothing to cancel.");
        });
        return command;
    }

    private static CliCommand SignalCommand(IServiceProvider? host)
    {
        var id = new CliArgument<string>("id") { Description = "Workflow id" };
        var name = new CliArgument<string>("name") { Description = "Signal name" };
        var payload = new CliArgument<string?>("json")
        {
            Description = "Payload as JSON, e.g. '\"approved\"' or '{\"ok\":true}'. Optional: omitted is JSON null, which a wait for a nullable type " +
                "receives as null and a wait for a value type (WaitForSignal<bool>) rejects with a clear error",
            Required = false,
        };
        var asJson = new CliOption<bool>("--json") { Description = "Print JSON: the id given, the run that stored the signal (the last of a continue-as-new chain), the signal and its payload" };
        var command = new CliCommand("signal", "Send a signal to a workflow (stored until the workflow waits for it).") { Options = { asJson }, Arguments = { id, name, payload } };
        command.Action = (parse, ct) => RunAsync(parse, async output =>
        {
            var workflowId = ParseId(parse.GetValue(id));
            var json = parse.GetValue(payload);
            await using var client = await ConnectAsync(parse, host, ct).ConfigureAwait(false);
            Guid run;
            try
            {
                run = await client.SignalRunAsync(workflowId, parse.GetValue(name)!, json is null ? null : System.Text.Encoding.UTF8.GetBytes(json), ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                throw new CommandLineException(ex.Message);
            }

            if (parse.GetValue(asJson))
            {
                // The run that stored it, as the statement that stored it saw the chain: read back afterwards, a run
                // that continued as new meanwhile would name its successor.
                await output.WriteLineAsync(ExecutionJson.Signal(workflowId, run, parse.GetValue(name)!, json is null ? null : System.Text.Encoding.UTF8.GetBytes(json))).ConfigureAwait(false);
                return 0;
            }

            await output.WriteLineAsync($"Signal '{parse.GetValue(name)}' stored for workflow {workflowId}.").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static CliCommand HistoryCommand(IServiceProvider? host)
    {
        var id = new CliArgument<string>("id") { Description = "Workflow id" };
        var json = new CliOption<bool>("--json") { Description = "Print JSON" };
        var command = new CliCommand("history", "Show a workflow's steps: seq, kind, name, state, timing, result or error. --json prints the whole history, which 'currant replay' and WorkflowReplayer read.") { Options = { json }, Arguments = { id } };
        command.Action = (parse, ct) => RunAsync(parse, async output =>
        {
            var workflowId = ParseId(parse.GetValue(id));
            await using var client = await ConnectAsync(parse, host, ct).ConfigureAwait(false);
            var info = await client.GetExecutionAsync(workflowId, ct).ConfigureAwait(false)
                ?? throw new CommandLineException($"No execution with id {workflowId}.");
            if (info.Kind != ExecutionKind.Workflow)
            {
                throw new CommandLineException($"Execution {workflowId} is {ExecutionText.WithArticle(info.Kind)}; only workflows have a history (try 'currant status').");
            }

            var rows = await client.GetHistoryAsync(workflowId, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                // The whole recorded state (start row, versions, arrival order, raw errors): what a replay reads.
                var state = await client.Store.LoadWorkflowAsync(workflowId, null, ct).ConfigureAwait(false);
                await output.WriteLineAsync(HistoryText.Json(info, rows, state.History)).ConfigureAwait(false);
                return 0;
            }

            if (info.ContinuedFrom is not null || info.ContinuedTo is not null)
            {
                await output.WriteLineAsync(HistoryText.Runs(await ChainAsync(client, info, ct).ConfigureAwait(false), workflowId)).ConfigureAwait(false);
            }

            await output.WriteLineAsync(HistoryText.Table(info, rows)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>Every run of the continue-as-new chain <paramref name="run"/> belongs to, first to last.</summary>
    private static async Task<IReadOnlyList<ExecutionInfo>> ChainAsync(CurrantClient client, ExecutionInfo run, CancellationToken ct)
    {
        var runs = new LinkedList<ExecutionInfo>();
        runs.AddFirst(run);
        for (var from = run.ContinuedFrom; from is { } id && await client.GetExecutionAsync(id, ct).ConfigureAwait(false) is { } earlier; from = earlier.ContinuedFrom)
        {
            runs.AddFirst(earlier);
        }

        for (var to = run.ContinuedTo; to is { } id && await client.GetExecutionAsync(id, ct).ConfigureAwait(false) is { } later; to = later.ContinuedTo)
        {
            runs.AddLast(later);
        }

        return [.. runs];
    }

    private static CliCommand RetryCommand(IServiceProvider? host)
    {
        var id = new CliArgument<string>("id") { Description = "Execution id" };
        var json = new CliOption<bool>("--json") { Description = "Print the execution as 'status --json' does, after the retry" };
        var command = new CliCommand("retry", "Give a failed execution (or a parked workflow) another attempt.") { Options = { json }, Arguments = { id } };
        command.Action = (parse, ct) => RunAsync(parse, async output =>
        {
            var executionId = ParseId(parse.GetValue(id));
            await using var client = await ConnectAsync(parse, host, ct).ConfigureAwait(false);
            if (await client.RetryAsync(executionId, ct).ConfigureAwait(false))
            {
                await output.WriteLineAsync(parse.GetValue(json)
                    ? await AfterAsync(client, executionId, ct).ConfigureAwait(false)
                    : $"Execution {executionId} is pending again.").ConfigureAwait(false);
                return 0;
            }

            var info = await client.GetExecutionAsync(executionId, ct).ConfigureAwait(false);
            throw new CommandLineException(info is null
                ? $"No execution with id {executionId}."
                : $"Execution {executionId} is {info.State.ToString().ToLowerInvariant()}; only failed executions and parked workflows can be retried.");
        });
        return command;
    }

    /// <summary>The execution as <c>status --json</c> prints it, read after a command changed it.</summary>
    private static async Task<string> AfterAsync(CurrantClient client, Guid id, CancellationToken ct)
        => await client.GetExecutionAsync(id, ct).ConfigureAwait(false) is { } info
            ? ExecutionJson.Write(info)
            : throw new CommandLineException($"No execution with id {id}.");

    internal static Guid ParseId(string? text)
        => Guid.TryParse(text, out var id) ? id : throw new CommandLineException($"'{text}' is not an execution id (a UUID like 0190a5c4-...).");

    /// <summary>Runs a command body and turns the errors a user can cause into one readable line and exit code 1.</summary>
    public static async Task<int> RunAsync(CliParseResult parse, Func<TextWriter, Task<int>> body)
    {
        var output = parse.Output;
        var error = parse.Error;
        try
        {
            return await body(output).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CommandLineException or CurrantConnectionException or ArgumentException or FormatException or FileNotFoundException or BadImageFormatException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>
    /// Loads an application assembly into the default context (so it shares Currant.Runtime and its registry) and
    /// runs its module initializer, which registers its generated definitions.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode("Loads an assembly from disk; only for the 'currant' tool, which is not trimmed.")]
    public static Assembly LoadApplicationAssembly(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Assembly '{full}' does not exist. Build your application and pass the path to its .dll.", full);
        }

        var resolver = new AssemblyDependencyResolver(full);
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            resolver.ResolveAssemblyToPath(name) is { } dependency ? context.LoadFromAssemblyPath(dependency) : null;
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        return assembly;
    }
}
