using System.Collections.Generic;
using System.Linq;
using Currant.Generators.Model;
using Currant.Shapes;

namespace Currant.Generators;

/// <summary>
/// The members a workflow with [Signal], [Query] or [Update] methods gets: its handler table (typed invokers the
/// worker calls on the running instance, no reflection), <c>GetHandle(id)</c> and the <c>Handle</c> type with one
/// typed member per handler in its <c>Signals</c>, <c>Queries</c> and <c>Updates</c> groups.
/// </summary>
internal static partial class ExecutionEmitter
{
    private const string HandleTypeName = "Handle";
    private const string HandleStub = "global::Currant.HandleStub";

    private static void WriteHandlerTable(SourceWriter w, ExecutionModel model)
    {
        w.Line("Handlers = new global::Currant.WorkflowHandler[]");
        w.Open();
        foreach (var handler in model.Handlers)
        {
            var validate = handler.Validator is null ? "" : $", Validate = {ValidatorName(handler)}";
            var parameterNames = handler.Parameters.Count == 0
                ? ""
                : $", ParameterNames = new string[] {{ {string.Join(", ", handler.Parameters.Select(p => Literal(p.Name)))} }}";
            w.Line($"new global::Currant.WorkflowHandler {{ Name = {Literal(handler.Name)}, Kind = global::Currant.WorkflowHandlerKind.{handler.Kind}, " +
                   $"Invoke = {InvokerNameOf(handler)}{validate}{parameterNames} }},");
        }

        w.Close(",");
    }

    private static void WriteHandlers(SourceWriter w, ExecutionModel model)
    {
        foreach (var handler in model.Handlers)
        {
            w.Line();
            WriteHandlerInvoker(w, model, handler);
            if (handler.Validator is not null)
            {
                w.Line();
                WriteValidatorInvoker(w, model, handler);
            }
        }

        w.Line();
        w.Line($"/// <summary>Re-attaches to a running <see cref=\"{model.FullyQualifiedName}\"/> by id (the client from <paramref name=\"client\"/>, else the running workflow's or <c>CurrantClient.Default</c>).</summary>");
        w.Line(GeneratedCode);
        w.Line($"public static {HandleType(model)} GetHandle(global::System.Guid id, global::Currant.ICurrantClient? client = null)");
        w.Indent();
        w.Line($"=> new {HandleType(model)}({HandleStub}.ResolveClient(client, {Literal(model.TypeName + ".GetHandle(...)")}), id);");
        w.Unindent();
        w.Line();
        WriteHandleType(w, model);
    }

    private static void WriteHandlerInvoker(SourceWriter w, ExecutionModel model, HandlerModel handler)
    {
        var names = new UniqueNames(handler.Parameters.Select(p => p.Name));
        var workflow = names.Take("workflow");
        var context = names.Take("context");
        var args = names.Take("args");
        var result = names.Take("result");
        var isAsync = handler.Returns is HandlerReturn.Task or HandlerReturn.TaskOfT or HandlerReturn.ValueTask or HandlerReturn.ValueTaskOfT;

        w.Line(GeneratedCode);
        w.Line($"private static {(isAsync ? "async " : "")}global::System.Threading.Tasks.ValueTask<byte[]?> {InvokerNameOf(handler)}(object {workflow}, global::Currant.HandlerContext {context})");
        w.Open();
        WriteReadArguments(w, handler, context, args);
        var call = $"(({model.FullyQualifiedName}){workflow}).{handler.MethodName}({string.Join(", ", handler.Parameters.Select(p => p.Identifier))})";

        // Awaited on the workflow scheduler (handlers are workflow code): ConfigureAwait(true).
        switch (handler.Returns)
        {
            case HandlerReturn.Void:
                w.Line(call + ";");
                w.Line("return default;");
                break;
            case HandlerReturn.Value:
                w.Line($"var {result} = {call};");
                w.Line($"return new global::System.Threading.Tasks.ValueTask<byte[]?>({context}.SerializeResult<{handler.ResultType}>({result}));");
                break;
            case HandlerReturn.Task or HandlerReturn.ValueTask:
                w.Line($"await {call}.ConfigureAwait(true);");
                w.Line("return null;");
                break;
            default:
                w.Line($"var {result} = await {call}.ConfigureAwait(true);");
                w.Line($"return {context}.SerializeResult<{handler.ResultType}>({result});");
                break;
        }

        w.Close();
    }

    private static void WriteValidatorInvoker(SourceWriter w, ExecutionModel model, HandlerModel handler)
    {
        var names = new UniqueNames(handler.Parameters.Select(p => p.Name));
        var workflow = names.Take("workflow");
        var context = names.Take("context");
        var args = names.Take("args");
        w.Line(GeneratedCode);
        w.Line($"private static void {ValidatorName(handler)}(object {workflow}, global::Currant.HandlerContext {context})");
        w.Open();
        WriteReadArguments(w, handler, context, args);
        w.Line($"(({model.FullyQualifiedName}){workflow}).{handler.Validator}({string.Join(", ", handler.Parameters.Select(p => p.Identifier))});");
        w.Close();
    }

    private static void WriteReadArguments(SourceWriter w, HandlerModel handler, string context, string args)
    {
        if (handler.Parameters.Count == 0)
        {
            return;
        }

        foreach (var parameter in handler.Parameters)
        {
            w.Line($"{parameter.Type} {parameter.Identifier};");
        }

        w.Open($"using (var {args} = {context}.ReadArguments({Number(handler.Parameters.Count)}))");
        for (var i = 0; i < handler.Parameters.Count; i++)
        {
            var parameter = handler.Parameters[i];
            w.Line($"{parameter.Identifier} = {args}.Get<{parameter.Type}>({Number(i)}, {Literal(parameter.Name)});");
        }

        w.Close();
        w.Line();
    }

    private static void WriteHandleType(SourceWriter w, ExecutionModel model)
    {
        var baseType = HandleType(model.Method);
        w.Line($"/// <summary>A handle to one <see cref=\"{model.FullyQualifiedName}\"/> workflow: its result, and one typed member per [Signal], [Query] and [Update] method.</summary>");
        w.Line(GeneratedCode);
        w.Open($"public sealed class {HandleTypeName} : {baseType}");
        w.Line("/// <summary>Creates a handle bound to a client.</summary>");
        w.Line($"public {HandleTypeName}(global::Currant.ICurrantClient client, global::System.Guid id) : base(client, id)");
        w.Open();
        w.Close();
        w.Line();
        w.Line("/// <summary>Sends signals: stored at once, handled by the workflow in arrival order (from workflow code: recorded and sent once).</summary>");
        w.Line("public SignalMembers Signals => new SignalMembers(this.Client, this.Id);");
        w.Line();
        w.Line("/// <summary>Asks queries: answered from the running workflow's state, never recorded.</summary>");
        w.Line("public QueryMembers Queries => new QueryMembers(this.Client, this.Id);");
        w.Line();
        w.Line("/// <summary>Sends updates, each under a new update id, and returns their results.</summary>");
        w.Line("public UpdateMembers Updates => new UpdateMembers(this.Client, this.Id, null);");
        w.Line();
        w.Line("/// <summary>Sends an update under <paramref name=\"updateId\"/>: calling again with the same id (after a disconnect) returns the same update's result.</summary>");
        w.Line("public UpdateMembers WithUpdateId(string updateId) => new UpdateMembers(this.Client, this.Id, updateId);");

        WriteGroup(w, model, "SignalMembers", "One member per [Signal] method.", HandlerKind.Signal, withUpdateId: false);
        WriteGroup(w, model, "QueryMembers", "One member per [Query] method.", HandlerKind.Query, withUpdateId: false);
        WriteGroup(w, model, "UpdateMembers", "One member per [Update] method.", HandlerKind.Update, withUpdateId: true);
        w.Close();
    }

    private static void WriteGroup(SourceWriter w, ExecutionModel model, string typeName, string summary, HandlerKind kind, bool withUpdateId)
    {
        w.Line();
        w.Line($"/// <summary>{summary}</summary>");
        w.Open($"public readonly struct {typeName}");
        w.Line("private readonly global::Currant.ICurrantClient _client;");
        w.Line("private readonly global::System.Guid _id;");
        if (withUpdateId)
        {
            w.Line("private readonly string? _updateId;");
        }

        w.Line();
        w.Line("/// <summary>Binds the members to one workflow.</summary>");
        w.Open($"public {typeName}(global::Currant.ICurrantClient client, global::System.Guid id{(withUpdateId ? ", string? updateId" : "")})");
        w.Line("_client = client;");
        w.Line("_id = id;");
        if (withUpdateId)
        {
            w.Line("_updateId = updateId;");
        }

        w.Close();
        foreach (var handler in model.Handlers.Where(h => h.Kind == kind))
        {
            w.Line();
            var parameters = string.Join(", ", handler.Parameters.Select(p => $"{p.Type} {p.Identifier}"));
            var payload = PayloadExpression(handler);
            var name = Literal(handler.Name);
            switch (kind)
            {
                case HandlerKind.Signal:
                    w.Line($"/// <summary>Sends the <c>{handler.Name}</c> signal.</summary>");
                    w.Line($"public {Task} {handler.MethodName}({parameters})");
                    w.Line($"    => {HandleStub}.SignalAsync(_client, _id, {name}, {payload});");
                    break;
                case HandlerKind.Query:
                    w.Line($"/// <summary>Asks the <c>{handler.Name}</c> query.</summary>");
                    w.Line($"public {Task}<{handler.ResultType}> {handler.MethodName}({parameters})");
                    w.Line($"    => {HandleStub}.QueryAsync<{handler.ResultType}>(_client, _id, {name}, {payload});");
                    break;
                default:
                    w.Line($"/// <summary>Sends the <c>{handler.Name}</c> update and waits for its result.</summary>");
                    w.Line(handler.HasResult
                        ? $"public {Task}<{handler.ResultType}> {handler.MethodName}({parameters})"
                        : $"public {Task} {handler.MethodName}({parameters})");
                    w.Line(handler.HasResult
                        ? $"    => {HandleStub}.UpdateAsync<{handler.ResultType}>(_client, _id, {name}, {payload}, _updateId);"
                        : $"    => {HandleStub}.UpdateAsync(_client, _id, {name}, {payload}, _updateId);");
                    break;
            }
        }

        w.Close();
    }

    /// <summary>The payload: null without parameters, the value's JSON for one, a JSON array for several.</summary>
    private static string PayloadExpression(HandlerModel handler)
    {
        const string options = HandleStub + ".SerializerOptions(_client)";
        return handler.Parameters.Count switch
        {
            0 => "null",
            1 => $"{HandleStub}.Payload<{handler.Parameters[0].Type}>({handler.Parameters[0].Identifier}, {options})",
            _ => $"new global::Currant.ArgumentWriter({options})" +
                 string.Concat(handler.Parameters.Select(p => $".Write<{p.Type}>({p.Identifier})")) + ".ToArray()",
        };
    }

    private static string InvokerNameOf(HandlerModel handler) => $"Currant{handler.Kind}{handler.MethodName.TrimStart('@')}";

    private static string ValidatorName(HandlerModel handler) => $"CurrantValidate{handler.MethodName.TrimStart('@')}";
}
