using Currant.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Currant.Generators;

/// <summary>
/// Writes the typed stubs of every <c>[Job]</c>, <c>[Activity]</c> and <c>[Workflow]</c> class (its
/// <c>CurrantDefinition</c>, invoker, <c>Options</c>, and <c>Queue</c>/<c>QueueMany</c> or <c>Run</c> as the kind allows)
/// and one registry per assembly that registers them when the assembly loads.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ExecutionGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var jobs = Find(context, "Currant.JobAttribute", ExecutionModelKind.Job).WithTrackingName(TrackingNames.Jobs);
        var activities = Find(context, "Currant.ActivityAttribute", ExecutionModelKind.Activity).WithTrackingName(TrackingNames.Activities);
        var workflows = Find(context, "Currant.WorkflowAttribute", ExecutionModelKind.Workflow).WithTrackingName(TrackingNames.Workflows);

        // Names are unique across kinds, so the three are gathered before validation.
        var candidates = jobs.Collect()
            .Combine(activities.Collect())
            .Combine(workflows.Collect())
            .Select(static (all, _) => ExecutionParser.Gather(all.Left.Left, all.Left.Right, all.Right))
            .WithTrackingName(TrackingNames.Candidates);

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

    private static IncrementalValuesProvider<ExecutionModel?> Find(
        IncrementalGeneratorInitializationContext context, string attribute, ExecutionModelKind kind)
        => context.SyntaxProvider.ForAttributeWithMetadataName(
            attribute,
            static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
            (ctx, ct) => ExecutionParser.Parse(ctx, kind, ct));
}
