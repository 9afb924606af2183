using Currant.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Currant.Generators;

/// <summary>
/// Writes the typed stubs of every <c>[Job]</c> class (its <c>CurrantDefinition</c>, <c>Queue</c>, <c>QueueMany</c>,
/// <c>Options</c> and invoker) and one registry per assembly that registers them when the assembly loads.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ExecutionGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var jobs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                "Currant.JobAttribute",
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => ExecutionParser.Parse(ctx, ExecutionModelKind.Job, ct))
            .WithTrackingName(TrackingNames.Jobs);

        // [Activity] and [Workflow] join here: collect each and combine them before validation, because names are
        // unique across kinds.
        var candidates = jobs.Collect().WithTrackingName(TrackingNames.Candidates);

        var executions = candidates
            .Select(static (all, ct) => ExecutionParser.SelectValid(all, ct))
            .WithTrackingName(TrackingNames.Executions);

        var execution = executions
            .SelectMany(static (all, _) => all)
            .WithTrackingName(TrackingNames.Execution);

        var registry = executions
            .Select(static (all, _) => ExecutionParser.ToRegistry(all))
            .WithTrackingName(TrackingNames.Registry);

        context.RegisterSourceOutput(execution, static (spc, model) =>
            spc.AddSource(ExecutionEmitter.HintName(model), SourceText.From(ExecutionEmitter.EmitExecution(model), System.Text.Encoding.UTF8)));

        context.RegisterSourceOutput(registry, static (spc, entries) =>
        {
            if (entries.Count > 0)
            {
                spc.AddSource(ExecutionEmitter.RegistryHintName, SourceText.From(ExecutionEmitter.EmitRegistry(entries), System.Text.Encoding.UTF8));
            }
        });
    }
}
