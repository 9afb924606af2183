using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Currant.Generators.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Currant.Generators;

/// <summary>
/// Turns models into C#: the members of each execution class, and the assembly's registry. Pure text: everything is
/// qualified with <c>global::</c>, and the output depends only on the model (ordinal order, invariant culture).
/// </summary>
internal static partial class ExecutionEmitter
{
    public const string RegistryHintName = "Currant.Generated.CurrantRegistry.g.cs";

    private const string GeneratorName = "Currant.Generators";
    private const string InvokerName = "CurrantInvokeAsync";
    private const string Task = "global::System.Threading.Tasks.Task";
    private const string EnumerableOf = "global::System.Collections.Generic.IEnumerable";
    private const string ReadOnlyListOf = "global::System.Collections.Generic.IReadOnlyList";
    private const string JsonOptions = "global::System.Text.Json.JsonSerializerOptions";
    private const string InWorkflow = "global::Currant.WorkflowStub.IsInWorkflow";

    // The marker the analyzers match by symbol (CUR3001, CUR3007): a stub is known by this attribute, not by its name.
    private const string RunStubMarker = "[global::Currant.GeneratedStub(global::Currant.GeneratedStubKind.Run)]";
    private const string QueueStubMarker = "[global::Currant.GeneratedStub(global::Currant.GeneratedStubKind.Queue)]";

    // Private helpers generated into the user's class; the prefix keeps them clear of the user's own members.
    private const string WriteArgumentsName = "CurrantWriteArguments";
    private const string WriteEachName = "CurrantWriteEach";
    private const string EnqueueName = "CurrantEnqueueAsync";
    private const string EnqueueManyName = "CurrantEnqueueManyAsync";

    // Tuple element names the compiler rejects at any position (CS8126).
    private static readonly HashSet<string> ReservedTupleNames = ["CompareTo", "Deconstruct", "Equals", "GetHashCode", "Rest", "ToString"];

    public static string Version { get; } = typeof(ExecutionEmitter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static string GeneratedCode { get; } = $"[global::System.CodeDom.Compiler.GeneratedCode(\"{GeneratorName}\", \"{Version}\")]";

    public static string HintName(ExecutionModel model) => model.MetadataName + ".g.cs";

    /// <summary>The generated part of one execution class.</summary>
    public static string EmitExecution(ExecutionModel model)
    {
        var w = new SourceWriter();
        WriteFileHeader(w);
        if (model.Namespace is not null)
        {
            w.Open("namespace " + model.Namespace);
        }

        foreach (var container in model.ContainingTypes)
        {
            w.Open($"partial {container.Keyword} {container.Name}");
        }

        w.Open($"partial {model.Keyword} {model.TypeName}");
        WriteDefinition(w, model);
        w.Line();
        if (CanQueue(model.Kind))
        {
            WriteStaticQueueStubs(w, model);
            w.Line();
            WriteStaticScheduleStub(w, model);
            w.Line();
        }

        if (CanRun(model.Kind))
        {
            WriteStaticRunStub(w, model);
            w.Line();
        }

        if (model.Kind == ExecutionModelKind.Workflow)
        {
            WriteContinueAsNew(w, model);
            w.Line();
        }

        WriteOptions(w, model);
        w.Line();
        WriteInvoker(w, model);
        w.Line();
        WriteArgumentHelpers(w, model);
        w.Line();
        WriteConfigured(w, model);
        if (model.Handlers.Count > 0)
        {
            WriteHandlers(w, model);
        }

        w.Close();
        for (var i = 0; i < model.ContainingTypes.Count; i++)
        {
            w.Close();
        }

        if (model.Namespace is not null)
        {
            w.Close();
        }

        return w.ToString();
    }

    /// <summary>The assembly's registry: registers every definition when the module loads.</summary>
    public static string EmitRegistry(EquatableArray<RegistryEntry> entries)
    {
        var w = new SourceWriter();
        WriteFileHeader(w);
        w.Open("namespace Currant.Generated");
        w.Line("/// <summary>Every job, activity and workflow of this assembly, registered with the runtime when the assembly loads.</summary>");
        w.Line(GeneratedCode);
        w.Open("internal static class CurrantRegistry");
        w.Line("/// <summary>The definitions of this assembly, by name.</summary>");
        w.Line("internal static global::System.Collections.Generic.IReadOnlyList<global::Currant.ExecutionDefinition> All { get; } = new global::Currant.ExecutionDefinition[]");
        w.Open();
        foreach (var entry in entries)
        {
            WriteMaybeObsolete(w, entry.ObsoleteWarnings, entry.FullyQualifiedName + ".CurrantDefinition,");
        }

        w.Close(";");
        w.Line();
        w.Line("/// <summary>Adds the definitions to <see cref=\"global::Currant.ExecutionRegistry\"/>, so a worker finds them without wiring.</summary>");
        w.Line("[global::System.Runtime.CompilerServices.ModuleInitializer]");
        w.Open("internal static void Initialize()");
        foreach (var entry in entries)
        {
            WriteMaybeObsolete(w, entry.ObsoleteWarnings, $"global::Currant.ExecutionRegistry.Register({entry.FullyQualifiedName}.CurrantDefinition);");
        }

        w.Close();
        w.Close();
        w.Close();
        return w.ToString();
    }

    private static void WriteFileHeader(SourceWriter w)
    {
        w.Line("// <auto-generated/>");
        w.Line("#nullable enable");
        w.Line();
    }

    private static void WriteDefinition(SourceWriter w, ExecutionModel model)
    {
        var nonRetryable = model.NonRetryable.Count == 0
            ? "null"
            : "static ex => " + string.Join(" || ", model.NonRetryable.Select(t => "ex is " + t));

        w.Line($"/// <summary>What the runtime knows about the {KindWord(model.Kind)} <see cref=\"{model.FullyQualifiedName}\"/>: its name, settings and invoker.</summary>");
        w.Line(GeneratedCode);
        w.Line("internal static global::Currant.ExecutionDefinition CurrantDefinition { get; } = new global::Currant.ExecutionDefinition");
        w.Open();
        w.Line($"Name = {Literal(model.Name)},");
        w.Line($"Kind = global::Currant.ExecutionKind.{KindMember(model.Kind)},");
        w.Line($"Queue = {(model.Queue is null ? "null" : Literal(model.Queue))},");
        w.Line($"Retries = {(model.Retries is int retries ? Number(retries) : "null")},");
        w.Line($"Timeout = {(model.TimeoutSeconds is int seconds ? $"global::System.TimeSpan.FromSeconds({Number(seconds)})" : "null")},");
        w.Line($"Priority = {Number(model.Priority)},");
        if (model.Kind == ExecutionModelKind.Workflow)
        {
            w.Line($"Version = {Number(model.Version)},");
        }

        if (model.Method.Parameters.Count > 0)
        {
            w.Line($"ParameterNames = new string[] {{ {string.Join(", ", model.Method.Parameters.Select(p => Literal(p.Name)))} }},");
        }

        if (model.Schedule is { } schedule)
        {
            WriteScheduleSpec(w, schedule);
        }

        WriteRetrySettings(w, model.Retry);

        if (model.Method.Parameters.Any(p => p.IsSensitive))
        {
            w.Line($"SensitiveParameters = new string[] {{ {string.Join(", ", model.Method.Parameters.Where(p => p.IsSensitive).Select(p => Literal(p.Name)))} }},");
        }

        // Only when set, so the definitions of classes without a key read as before.
        if (model.ConcurrencyKey is { } concurrencyKey)
        {
            w.Line($"ConcurrencyKey = {Literal(concurrencyKey)},");
            w.Line($"MaxConcurrency = {Number(model.MaxConcurrency)},");
        }

        w.Line($"IsNonRetryable = {nonRetryable},");
        if (model.Handlers.Count > 0)
        {
            WriteHandlerTable(w, model);
        }

        w.Line($"Invoke = {InvokerName},");
        w.Close(";");
    }

    /// <summary>The attribute's retry delays and heartbeat timeout; nothing when it sets none (the runtime's defaults apply).</summary>
    private static void WriteRetrySettings(SourceWriter w, RetryModel? retry)
    {
        if (retry is null)
        {
            return;
        }

        if (retry.HasPolicy)
        {
            w.Line("RetryPolicy = new global::Currant.RetryPolicy");
            w.Open();
            if (retry.RetryDelay is { } delay)
            {
                w.Line($"InitialDelay = global::System.TimeSpan.FromSeconds({Real(delay)}),");
            }

            if (retry.RetryBackoff is { } backoff)
            {
                w.Line($"BackoffCoefficient = {Real(backoff)},");
            }

            if (retry.RetryMaxDelay is { } maxDelay)
            {
                w.Line($"MaximumDelay = global::System.TimeSpan.FromSeconds({Real(maxDelay)}),");
            }

            w.Close(",");
        }

        if (retry.HeartbeatTimeout is { } heartbeat)
        {
            w.Line($"HeartbeatTimeout = global::System.TimeSpan.FromSeconds({Real(heartbeat)}),");
        }
    }

    private static void WriteStaticQueueStubs(SourceWriter w, ExecutionModel model)
    {
        var method = model.Method;
        var kind = KindWord(model.Kind);
        var options = model.FullyQualifiedName + ".Options()";

        w.Line($"/// <summary>Enqueues the {kind} <see cref=\"{model.FullyQualifiedName}\"/> on <c>CurrantClient.Default</c> with the {kind}'s settings (recorded in the history when called from workflow code).</summary>");
        w.Line(GeneratedCode);
        w.Line(QueueStubMarker);
        w.Line($"public static {QueueReturnType(model)} Queue({ParameterList(method)})");
        w.Indent();
        w.Line($"=> {options}.Queue({ArgumentList(method)});");
        w.Unindent();
        w.Line();
        w.Line($"/// <summary>Enqueues one {kind} <see cref=\"{model.FullyQualifiedName}\"/> per item in one round trip; handles come back in input order.</summary>");
        w.Line(GeneratedCode);
        w.Line(QueueStubMarker);
        w.Line($"public static {QueueManyReturnType(model)} QueueMany({QueueManyParameter(method)})");
        w.Indent();
        w.Line($"=> {options}.QueueMany({(method.Parameters.Count == 0 ? "count" : "items")});");
        w.Unindent();
    }

    private static void WriteStaticRunStub(SourceWriter w, ExecutionModel model)
    {
        var method = model.Method;
        var what = model.Kind == ExecutionModelKind.Workflow ? "as a child of the calling workflow" : "as a step of the calling workflow";
        w.Line($"/// <summary>Runs <see cref=\"{model.FullyQualifiedName}\"/> {what}; replay returns the recorded outcome instead of running it again. Only valid in workflow code.</summary>");
        w.Line(GeneratedCode);
        w.Line(RunStubMarker);
        w.Line($"public static {RunReturnType(method)} Run({ParameterList(method)})");
        w.Indent();
        w.Line($"=> {model.FullyQualifiedName}.Options().Run({ArgumentList(method)});");
        w.Unindent();
    }

    /// <summary>Continue-as-new: mirrors RunAsync's parameters; the workflow code throws what it returns.</summary>
    private static void WriteContinueAsNew(SourceWriter w, ExecutionModel model)
    {
        var method = model.Method;
        var type = model.FullyQualifiedName;
        var withArguments = method.Parameters.Count == 0 ? "" : ", " + ArgumentList(method);
        w.Line($"/// <summary>Ends this run of <see cref=\"{type}\"/> and starts a fresh one with these arguments and an empty history, under the same business id: <c>throw ContinueAsNew(…)</c>. Only valid in this workflow's code.</summary>");
        w.Line(GeneratedCode);
        w.Line($"public static global::Currant.ContinueAsNewException ContinueAsNew({ParameterList(method)})");
        w.Indent();
        w.Line($"=> global::Currant.WorkflowStub.ContinueAsNew({type}.CurrantDefinition, {type}.{WriteArgumentsName}({SerializerOptionsFor(model, "ContinueAsNew")}{withArguments}));");
        w.Unindent();
    }

    private static void WriteOptions(SourceWriter w, ExecutionModel model)
    {
        var kind = KindWord(model.Kind);
        if (model.Kind == ExecutionModelKind.Activity)
        {
            // Everything else (priority, delay, idempotency, transaction, client) belongs to the calling workflow.
            w.Line($"/// <summary>Per-call settings for <see cref=\"{model.FullyQualifiedName}\"/>; a null argument keeps the activity's default (the calling workflow's queue).</summary>");
            w.Line(GeneratedCode);
            w.Line($"public static {model.FullyQualifiedName}.Configured Options(string? queue = null, global::System.TimeSpan? timeout = null, int? retries = null" +
                   ", global::Currant.RetryPolicy? retryPolicy = null, global::System.TimeSpan? heartbeatTimeout = null)");
            w.Indent();
            w.Line($"=> new {model.FullyQualifiedName}.Configured(new global::Currant.EnqueueOptions");
            w.Open();
            w.Line("Queue = queue,");
            w.Line("Timeout = timeout,");
            w.Line("Retries = retries,");
            w.Line("RetryPolicy = retryPolicy,");
            w.Line("HeartbeatTimeout = heartbeatTimeout,");
            w.Close(");");
            w.Unindent();
            return;
        }

        w.Line($"/// <summary>Per-call settings for <see cref=\"{model.FullyQualifiedName}\"/>; a null argument keeps the {kind}'s (or the client's) default.</summary>");
        w.Line(GeneratedCode);
        w.Line($"public static {model.FullyQualifiedName}.Configured Options(string? queue = null, int? priority = null, " +
               "global::System.TimeSpan? delay = null, global::System.DateTimeOffset? runAt = null, string? idempotencyKey = null, " +
               "global::System.TimeSpan? timeout = null, int? retries = null, global::Npgsql.NpgsqlTransaction? transaction = null, " +
               "global::Currant.ICurrantClient? client = null, " +
               "global::System.Collections.Generic.IReadOnlyDictionary<string, string>? tags = null" +
               (model.Kind == ExecutionModelKind.Job ? ", global::Currant.RetryPolicy? retryPolicy = null, global::System.TimeSpan? heartbeatTimeout = null" : "") + ")");
        w.Indent();
        w.Line($"=> new {model.FullyQualifiedName}.Configured(new global::Currant.EnqueueOptions");
        w.Open();
        w.Line("Queue = queue,");
        w.Line("Priority = priority,");
        w.Line("Delay = delay,");
        w.Line("RunAt = runAt,");
        w.Line("IdempotencyKey = idempotencyKey,");
        w.Line("Timeout = timeout,");
        w.Line("Retries = retries,");
        w.Line("Transaction = transaction,");
        w.Line("Client = client,");
        w.Line("Tags = tags,");
        if (model.Kind == ExecutionModelKind.Job)
        {
            w.Line("RetryPolicy = retryPolicy,");
            w.Line("HeartbeatTimeout = heartbeatTimeout,");
        }

        w.Close(");");
        w.Unindent();
    }

    private static void WriteInvoker(SourceWriter w, ExecutionModel model)
    {
        var method = model.Method;
        var names = new UniqueNames(method.Parameters.Select(p => p.Name));
        var context = names.Take("context");
        var args = names.Take("args");
        var instance = names.Take("instance");
        var result = names.Take("result");

        // A workflow runs on its single-threaded deterministic scheduler: leaving it (ConfigureAwait(false)) would run
        // the rest of the invoker, and anything the engine does after it, on the thread pool.
        var continueOnCapturedContext = model.Kind == ExecutionModelKind.Workflow ? "true" : "false";

        w.Line(GeneratedCode);
        w.Line($"private static async global::System.Threading.Tasks.ValueTask<byte[]?> {InvokerName}(global::Currant.InvocationContext {context})");
        w.Open();
        if (method.Parameters.Count == 0)
        {
            // Still checks that no arguments were queued.
            w.Line($"{context}.ReadArguments(0).Dispose();");
        }
        else
        {
            foreach (var parameter in method.Parameters)
            {
                w.Line($"{parameter.Type} {parameter.Identifier};");
            }

            // Read every argument before running anything; the parsed document is released before the call.
            w.Open($"using (var {args} = {context}.ReadArguments({Number(method.Parameters.Count)}))");
            for (var i = 0; i < method.Parameters.Count; i++)
            {
                var parameter = method.Parameters[i];
                w.Line($"{parameter.Identifier} = {args}.Get<{parameter.Type}>({Number(i)}, {Literal(parameter.Name)});");
            }

            w.Close();
        }

        w.Line();
        var services = string.Join(", ", model.ConstructorParameters.Select(t => $"{context}.GetService<{t}>()"));
        w.Line($"var {instance} = new {model.FullyQualifiedName}({services});");
        if (model.Handlers.Count > 0)
        {
            // Signal, query and update handlers run on this same object.
            w.Line($"{context}.AttachWorkflow({instance});");
        }

        switch (model.Dispose)
        {
            case DisposeKind.AsyncDisposable:
                w.Open($"await using (global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait({instance}, {continueOnCapturedContext}))");
                break;
            case DisposeKind.Disposable:
                w.Open($"using ({instance})");
                break;
        }

        var arguments = method.Parameters.Select(p => p.Identifier).ToList();
        if (method.TakesCancellationToken)
        {
            arguments.Add(context + ".CancellationToken");
        }

        var call = $"{instance}.{method.Name}({string.Join(", ", arguments)}).ConfigureAwait({continueOnCapturedContext})";
        if (method.HasResult)
        {
            WriteMaybeObsolete(w, method.ObsoleteWarnings, $"var {result} = await {call};");
            w.Line($"return {context}.SerializeResult<{method.ResultType}>({result});");
        }
        else
        {
            WriteMaybeObsolete(w, method.ObsoleteWarnings, $"await {call};");
            w.Line("return null;");
        }

        if (model.Dispose != DisposeKind.None)
        {
            w.Close();
        }

        w.Close();
    }

    /// <summary>
    /// The private helpers the stubs share: one writes the argument bytes with given serializer options, so the
    /// workflow path (the workflow's serializer) and the client path (the client's) do not repeat the Write chain.
    /// </summary>
    private static void WriteArgumentHelpers(SourceWriter w, ExecutionModel model)
    {
        var method = model.Method;
        var type = model.FullyQualifiedName;
        var names = new UniqueNames(method.Parameters.Select(p => p.Name));
        var options = names.Take("options");
        var parameters = string.Concat(method.Parameters.Select(p => $", {p.Type} {p.Identifier}"));

        w.Line(GeneratedCode);
        w.Line($"private static byte[] {WriteArgumentsName}({JsonOptions} {options}{parameters})");
        w.Indent();
        WriteArgumentArray(w, "=> ", options, method.Parameters.Select(p => (p.Type, p.Identifier)).ToList(), ";");
        w.Unindent();
        if (!CanQueue(model.Kind))
        {
            return;
        }

        w.Line();
        w.Line(GeneratedCode);
        var count = method.Parameters.Count;
        if (count == 0)
        {
            w.Line($"private static byte[][] {WriteEachName}({JsonOptions} options, int count)");
            w.Open();
            w.Line("var arguments = new byte[count][];");
            w.Open("for (var i = 0; i < arguments.Length; i++)");
            w.Line($"arguments[i] = {type}.{WriteArgumentsName}(options);");
            w.Close();
            w.Line();
            w.Line("return arguments;");
            w.Close();
        }
        else
        {
            var items = count == 1 ? "item" : string.Join(", ", Enumerable.Range(1, count).Select(i => "item.Item" + Number(i)));
            // Serialized lazily: the bulk insert writes each row as it serializes it (see Currant.LazyArguments).
            w.Line($"private static global::System.Collections.Generic.IReadOnlyList<byte[]> {WriteEachName}({JsonOptions} options, {QueueManyParameter(method)})");
            w.Line($"    => global::Currant.LazyArguments.Create(items, options, static (o, item) => {type}.{WriteArgumentsName}(o, {items}));");
        }

        var handle = HandleType(model);
        w.Line();
        w.Line(GeneratedCode);
        w.Line($"private static async {QueueReturnType(model)} {EnqueueName}(global::Currant.ICurrantClient client, byte[] arguments, global::Currant.EnqueueOptions? options)");
        w.Indent();
        w.Line($"=> new {HandleType(model)}(client, await client.EnqueueAsync({type}.CurrantDefinition, arguments, options).ConfigureAwait(false));");
        w.Unindent();
        w.Line();
        w.Line(GeneratedCode);
        w.Line($"private static async {QueueManyReturnType(model)} {EnqueueManyName}(global::Currant.ICurrantClient client, {ReadOnlyListOf}<byte[]> arguments, global::Currant.EnqueueOptions? options)");
        w.Open();
        w.Line($"var ids = await client.EnqueueManyAsync({type}.CurrantDefinition, arguments, options).ConfigureAwait(false);");
        // Made when read (see Currant.LazyHandles): a loop here runs unoptimized.
        w.Line($"return global::Currant.LazyHandles.Create(ids, id => new {handle}(client, id));");
        w.Close();
    }

    private static void WriteConfigured(SourceWriter w, ExecutionModel model)
    {
        var method = model.Method;
        var kind = KindWord(model.Kind);
        var type = model.FullyQualifiedName;
        var definition = type + ".CurrantDefinition";
        var what = model.Kind switch
        {
            ExecutionModelKind.Activity => "Runs",
            ExecutionModelKind.Workflow => "Enqueues or runs",
            _ => "Enqueues",
        };

        w.Line($"/// <summary>{what} <see cref=\"{type}\"/> with per-call settings; made by <c>Options(...)</c>.</summary>");
        w.Line(GeneratedCode);
        w.Open("public readonly struct Configured");
        w.Line("private readonly global::Currant.EnqueueOptions? _options;");
        w.Line();
        w.Line("/// <summary>Creates a stub that uses <paramref name=\"options\"/>.</summary>");
        w.Open("public Configured(global::Currant.EnqueueOptions? options)");
        w.Line("_options = options;");
        w.Close();

        var names = new UniqueNames(method.Parameters.Select(p => p.Name));
        var client = names.Take("client");
        var bytes = names.Take("bytes");
        var arguments = ArgumentList(method);
        var withArguments = method.Parameters.Count == 0 ? "" : ", " + arguments;
        var resultType = method.HasResult ? $"<{method.ResultType}>" : "";
        if (CanQueue(model.Kind))
        {
            // Inside a workflow an enqueue is a recorded command: no client and no await here, and replay returns
            // the recorded handle instead of enqueuing again.
            w.Line();
            w.Line($"/// <summary>Enqueues the {kind} with these arguments and this stub's settings (recorded in the history when called from workflow code).</summary>");
            w.Line(QueueStubMarker);
            w.Line($"public {QueueReturnType(model)} Queue({ParameterList(method)})");
            w.Open();
            w.Open($"if ({InWorkflow})");
            w.Line($"var {bytes} = {type}.{WriteArgumentsName}({SerializerOptionsFor(model, "Queue")}{withArguments});");
            w.Line(model.Handlers.Count == 0
                ? $"return {Task}.FromResult(global::Currant.WorkflowStub.Queue{resultType}({definition}, {bytes}, this._options));"
                : $"return {Task}.FromResult(new {HandleType(model)}(global::Currant.WorkflowStub.GetClient({Literal(model.TypeName + ".Queue(...)")}), " +
                  $"global::Currant.WorkflowStub.Queue{resultType}({definition}, {bytes}, this._options).Id));");
            w.Close();
            w.Line();
            w.Line($"var {client} = global::Currant.CurrantClient.Resolve(this._options?.Client);");
            w.Line($"return {type}.{EnqueueName}({client}, {type}.{WriteArgumentsName}({client}.SerializerOptions{withArguments}), this._options);");
            w.Close();

            var items = method.Parameters.Count == 0 ? "count" : "items";
            w.Line();
            w.Line($"/// <summary>Enqueues one {kind} per item in one round trip, with this stub's settings; handles come back in input order.</summary>");
            w.Line(QueueStubMarker);
            w.Line($"public {QueueManyReturnType(model)} QueueMany({QueueManyParameter(method)})");
            w.Open();
            w.Line(method.Parameters.Count == 0
                ? "global::System.ArgumentOutOfRangeException.ThrowIfNegative(count);"
                : "global::System.ArgumentNullException.ThrowIfNull(items);");
            w.Open($"if ({InWorkflow})");
            w.Line($"var arguments = {type}.{WriteEachName}({SerializerOptionsFor(model, "QueueMany")}, {items});");
            if (model.Handlers.Count == 0)
            {
                w.Line($"return {Task}.FromResult(global::Currant.WorkflowStub.QueueMany{resultType}({definition}, arguments, this._options));");
            }
            else
            {
                // As Queue: the recorded handles, typed (the generated handle only adds members over the same id).
                var typed = HandleType(model);
                w.Line($"var queued = global::Currant.WorkflowStub.QueueMany{resultType}({definition}, arguments, this._options);");
                w.Line($"var workflowClient = global::Currant.WorkflowStub.GetClient({Literal(model.TypeName + ".QueueMany(...)")});");
                w.Line($"var handles = new {typed}[queued.Count];");
                w.Open("for (var i = 0; i < handles.Length; i++)");
                w.Line($"handles[i] = new {typed}(workflowClient, queued[i].Id);");
                w.Close();
                w.Line();
                w.Line($"return {Task}.FromResult<{ReadOnlyListOf}<{typed}>>(handles);");
            }

            w.Close();
            w.Line();
            w.Line("var client = global::Currant.CurrantClient.Resolve(this._options?.Client);");
            w.Line($"return {type}.{EnqueueManyName}(client, {type}.{WriteEachName}(client.SerializerOptions, {items}), this._options);");
            w.Close();
            WriteConfiguredScheduleStub(w, model);
        }

        if (CanRun(model.Kind))
        {
            // Returned, not awaited: an await with ConfigureAwait(false) here would leave the workflow scheduler.
            w.Line();
            w.Line($"/// <summary>Runs the {kind} with these arguments and this stub's settings. Only valid in workflow code.</summary>");
            w.Line(RunStubMarker);
            w.Line($"public {RunReturnType(method)} Run({ParameterList(method)})");
            w.Open();
            w.Line($"var {bytes} = {type}.{WriteArgumentsName}({SerializerOptionsFor(model, "Run")}{withArguments});");
            w.Line($"return global::Currant.WorkflowStub.RunAsync{resultType}({definition}, {bytes}, this._options);");
            w.Close();
        }

        w.Close();
    }

    /// <summary>
    /// Writes a line that refers to an [Obsolete] job or method with exactly its warnings suppressed: the job stays
    /// registered so its stored executions still run.
    /// </summary>
    private static void WriteMaybeObsolete(SourceWriter w, EquatableArray<string> warnings, string line)
    {
        if (warnings.Count == 0)
        {
            w.Line(line);
            return;
        }

        var ids = string.Join(", ", warnings);
        w.Line($"#pragma warning disable {ids} // Obsolete, but stored executions must still run.");
        w.Line(line);
        w.Line($"#pragma warning restore {ids}");
    }

    /// <summary>Writes <c>new ArgumentWriter(options).Write&lt;T&gt;(value)...ToArray()</c>, one call per line.</summary>
    private static void WriteArgumentArray(SourceWriter w, string prefix, string options, IReadOnlyList<(string Type, string Value)> values, string suffix)
    {
        var writer = $"new global::Currant.ArgumentWriter({options})";
        if (values.Count == 0)
        {
            w.Line($"{prefix}{writer}.ToArray(){suffix}");
            return;
        }

        w.Line(prefix + writer);
        w.Indent();
        foreach (var (type, value) in values)
        {
            w.Line($".Write<{type}>({value})");
        }

        w.Line(".ToArray()" + suffix);
        w.Unindent();
    }

    /// <summary>
    /// The workflow's serializer; outside a workflow, an error naming the stub as the user wrote it (the class name,
    /// not the persisted name: this check runs before the runtime's own).
    /// </summary>
    private static string SerializerOptionsFor(ExecutionModel model, string stub)
        => $"global::Currant.WorkflowStub.GetSerializerOptions({Literal(model.TypeName.TrimStart('@') + "." + stub + "(...)")})";

    private static bool CanQueue(ExecutionModelKind kind) => kind != ExecutionModelKind.Activity;

    private static bool CanRun(ExecutionModelKind kind) => kind != ExecutionModelKind.Job;

    /// <summary>The <c>Schedule = …</c> line of a definition whose class carries <c>[Schedule]</c>.</summary>
    private static void WriteScheduleSpec(SourceWriter w, ScheduleModel schedule)
    {
        var settings = new List<string>();
        if (schedule.TimeZone is not null)
        {
            settings.Add($"TimeZone = {Literal(schedule.TimeZone)}");
        }

        settings.Add($"Overlap = global::Currant.ScheduleOverlap.{schedule.Overlap}");
        settings.Add($"CatchUp = global::Currant.ScheduleCatchUp.{schedule.CatchUp}");
        if (schedule.CatchUpWindowSeconds > 0)
        {
            settings.Add($"CatchUpWindow = global::System.TimeSpan.FromSeconds({Number(schedule.CatchUpWindowSeconds)})");
        }

        w.Line($"Schedule = new global::Currant.ScheduleSpec({Literal(schedule.Cron)}) {{ {string.Join(", ", settings)} }},");
    }

    /// <summary>The names of <c>Schedule</c>'s own two parameters, clear of the user's.</summary>
    private static (string Name, string Cron) ScheduleParameterNames(MethodModel method)
    {
        var names = new UniqueNames(method.Parameters.Select(p => p.Name));
        return (names.Take("name"), names.Take("cron"));
    }

    private static string ScheduleParameterList(MethodModel method, (string Name, string Cron) own)
        => $"string {own.Name}, global::Currant.ScheduleSpec {own.Cron}" + (method.Parameters.Count == 0 ? "" : ", " + ParameterList(method));

    private const string ScheduleReturnType = "global::System.Threading.Tasks.Task<global::Currant.ScheduleInfo>";

    private static void WriteStaticScheduleStub(SourceWriter w, ExecutionModel model)
    {
        var method = model.Method;
        var own = ScheduleParameterNames(method);
        var arguments = method.Parameters.Count == 0 ? "" : ", " + ArgumentList(method);
        w.Line($"/// <summary>Creates or updates the schedule <paramref name=\"{own.Name}\"/> on <c>CurrantClient.Default</c>: the {KindWord(model.Kind)} <see cref=\"{model.FullyQualifiedName}\"/> with these arguments at each fire time of <paramref name=\"{own.Cron}\"/> (a cron expression, or a <see cref=\"global::Currant.ScheduleSpec\"/> with time zone and policies). Returns once the schedule is stored.</summary>");
        w.Line(GeneratedCode);
        w.Line($"public static {ScheduleReturnType} Schedule({ScheduleParameterList(method, own)})");
        w.Indent();
        w.Line($"=> {model.FullyQualifiedName}.Options().Schedule({own.Name}, {own.Cron}{arguments});");
        w.Unindent();
    }

    private static void WriteConfiguredScheduleStub(SourceWriter w, ExecutionModel model)
    {
        var method = model.Method;
        var type = model.FullyQualifiedName;
        var own = ScheduleParameterNames(method);
        var names = new UniqueNames(method.Parameters.Select(p => p.Name).Concat([own.Name, own.Cron]));
        var client = names.Take("client");
        var arguments = method.Parameters.Count == 0 ? "" : ", " + ArgumentList(method);
        w.Line();
        w.Line($"/// <summary>Creates or updates the schedule <paramref name=\"{own.Name}\"/>: the {KindWord(model.Kind)} with these arguments and this stub's queue, priority, timeout and retries at each fire time of <paramref name=\"{own.Cron}\"/>. Returns once the schedule is stored.</summary>");
        w.Line($"public {ScheduleReturnType} Schedule({ScheduleParameterList(method, own)})");
        w.Open();
        w.Open($"if ({InWorkflow})");
        w.Line($"throw new global::System.InvalidOperationException(\"{model.TypeName}.Schedule(...) cannot be called from workflow code: create schedules from ordinary code.\");");
        w.Close();
        w.Line();
        w.Line($"var {client} = global::Currant.CurrantClient.Resolve(this._options?.Client);");
        w.Line($"return {client}.UpsertScheduleAsync({own.Name}, {own.Cron}, {type}.CurrantDefinition, {type}.{WriteArgumentsName}({client}.SerializerOptions{arguments}), this._options);");
        w.Close();
    }

    private static string RunReturnType(MethodModel method) => method.HasResult ? $"{Task}<{method.ResultType}>" : Task;

    private static string HandleType(MethodModel method)
        => method.HasResult ? $"global::Currant.ExecutionHandle<{method.ResultType}>" : "global::Currant.ExecutionHandle";

    /// <summary>A workflow with handlers returns its generated handle type from <c>Queue</c>.</summary>
    private static string HandleType(ExecutionModel model)
        => model.Handlers.Count > 0 ? model.FullyQualifiedName + "." + HandleTypeName : HandleType(model.Method);

    private static string QueueReturnType(ExecutionModel model) => $"{Task}<{HandleType(model)}>";

    /// <summary>A workflow with handlers returns its generated handle type from <c>QueueMany</c> too.</summary>
    private static string QueueManyReturnType(ExecutionModel model) => $"{Task}<{ReadOnlyListOf}<{HandleType(model)}>>";

    private static string QueueManyParameter(MethodModel method)
    {
        var parameters = method.Parameters;
        switch (parameters.Count)
        {
            case 0:
                return "int count";
            case 1:
                return $"{EnumerableOf}<{parameters[0].Type}> items";
            default:
                var elements = parameters.Select((p, i) => IsValidTupleName(p.Name, i) ? $"{p.Type} {p.Identifier}" : p.Type);
                return $"{EnumerableOf}<({string.Join(", ", elements)})> items";
        }
    }

    private static bool IsValidTupleName(string name, int index)
        => !ReservedTupleNames.Contains(name)
           && !(name.StartsWith("Item", System.StringComparison.Ordinal) && name != "Item" + Number(index + 1)
                && name.Substring(4).All(char.IsDigit) && name.Length > 4);

    private static string ParameterList(MethodModel method)
        => string.Join(", ", method.Parameters.Select(p =>
            (p.IsParams ? "params " : "") + p.Type + " " + p.Identifier + (p.DefaultValue is null ? "" : " = " + p.DefaultValue)));

    private static string ArgumentList(MethodModel method) => string.Join(", ", method.Parameters.Select(p => p.Identifier));

    private static string KindWord(ExecutionModelKind kind) => kind switch
    {
        ExecutionModelKind.Activity => "activity",
        ExecutionModelKind.Workflow => "workflow",
        _ => "job",
    };

    private static string KindMember(ExecutionModelKind kind) => kind switch
    {
        ExecutionModelKind.Activity => "Activity",
        ExecutionModelKind.Workflow => "Workflow",
        _ => "Job",
    };

    private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A double literal ("1.5d", "60d"): round-trips, culture-invariant.</summary>
    private static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "d";

    /// <summary>Picks local names that cannot shadow the user's parameters (which keep their own names).</summary>
    private sealed class UniqueNames(IEnumerable<string> taken)
    {
        private readonly HashSet<string> _taken = new(taken, System.StringComparer.Ordinal);

        public string Take(string name)
        {
            var candidate = name;
            for (var i = 1; !_taken.Add(candidate); i++)
            {
                candidate = name + Number(i);
            }

            return candidate;
        }
    }
}
