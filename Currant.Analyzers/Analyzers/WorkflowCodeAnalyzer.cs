using System.Collections.Immutable;
using Currant.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Currant.Analyzers;

/// <summary>
/// Determinism rules for workflow code (CUR1001–CUR1010) and step bodies (CUR1011), enqueuing from it (CUR3002), logging
/// from it (CUR3008), and the APIs that only work in
/// it: <c>Run(...)</c> stubs (CUR3001) and <c>Workflow.*</c> (CUR3006), which also must not be used, nor any generated
/// stub, in a <c>Workflow.Step</c> body (CUR3007). The call graph is walked once per compilation
/// (<see cref="WorkflowCodeWalker"/>); each file then reports what belongs to it, so a helper's diagnostic appears in
/// the helper's file while the user types, not only in a full build.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WorkflowCodeAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.WallClock,
        DiagnosticDescriptors.Randomness,
        DiagnosticDescriptors.RealTimeWait,
        DiagnosticDescriptors.Threading,
        DiagnosticDescriptors.ConfigureAwaitFalse,
        DiagnosticDescriptors.BlockingWait,
        DiagnosticDescriptors.OutsideWorld,
        DiagnosticDescriptors.SharedState,
        DiagnosticDescriptors.Culture,
        DiagnosticDescriptors.HashOrder,
        DiagnosticDescriptors.StepWritesOutside,
        DiagnosticDescriptors.RunOutsideWorkflow,
        DiagnosticDescriptors.QueueInWorkflow,
        DiagnosticDescriptors.WorkflowApiOutsideWorkflow,
        DiagnosticDescriptors.WorkflowApiInStep,
        DiagnosticDescriptors.StaticLogger);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (CurrantSymbols.TryCreate(start.Compilation) is not { } symbols)
            {
                return;
            }

            var workflowCode = new LazyWorkflowCode(symbols);
            start.RegisterSemanticModelAction(model =>
            {
                foreach (var diagnostic in workflowCode.Get(model.CancellationToken).FindingsIn(model.SemanticModel.SyntaxTree))
                {
                    model.ReportDiagnostic(diagnostic);
                }
            });
            start.RegisterOperationAction(
                operation => AnalyzeWorkflowOnlyApi(operation, symbols, workflowCode),
                OperationKind.Invocation,
                OperationKind.PropertyReference,
                OperationKind.MethodReference);
        });
    }

    private static void AnalyzeWorkflowOnlyApi(OperationAnalysisContext context, CurrantSymbols symbols, LazyWorkflowCode workflowCode)
    {
        ISymbol? symbol = context.Operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IPropertyReferenceOperation property => property.Property,
            IMethodReferenceOperation method => method.Method,
            _ => null,
        };
        if (symbol is null)
        {
            return;
        }

        var isWorkflowApi = symbols.IsWorkflowMember(symbol);
        var stub = !isWorkflowApi && symbol is IMethodSymbol target ? symbols.GetStubKind(target) : StubKind.None;
        if ((!isWorkflowApi && stub == StubKind.None) || IsInNameOf(context.Operation))
        {
            return;
        }

        // Uses the walk reached are settled: step code was reported there (CUR3007), workflow code is where they belong.
        var code = workflowCode.Get(context.CancellationToken);
        if (code.IsReachedFromStep(context.Operation.Syntax) || code.IsReachedFromWorkflow(context.Operation.Syntax))
        {
            return;
        }

        // What is left is code no workflow reaches; a step written there (itself CUR3006) still has a step body.
        if (EnclosingStep(context.Operation, symbols, out var localFunction) is { } step)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.WorkflowApiInStep,
                DiagnosticLocations.For(context.Operation.Syntax),
                DisplayNames.Member(symbol),
                DisplayNames.Step(step)));
            return;
        }

        if (stub == StubKind.Queue)
        {
            // Outside workflows the generated Queue enqueues through the client, as it should.
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            isWorkflowApi ? DiagnosticDescriptors.WorkflowApiOutsideWorkflow : DiagnosticDescriptors.RunOutsideWorkflow,
            DiagnosticLocations.For(context.Operation.Syntax),
            DisplayNames.Member(symbol),
            "'" + DisplayNames.Member(localFunction ?? context.ContainingSymbol) + "'"));
    }

    /// <summary>
    /// The innermost <c>Workflow.Step</c> call whose delegate argument contains <paramref name="operation"/>; otherwise
    /// null, with the innermost local function, if any.
    /// </summary>
    private static IInvocationOperation? EnclosingStep(IOperation operation, CurrantSymbols symbols, out IMethodSymbol? localFunction)
    {
        localFunction = null;
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILocalFunctionOperation local)
            {
                localFunction ??= local.Symbol;
            }
            else if (current is IArgumentOperation { Parent: IInvocationOperation invocation } argument
                     && argument.Parameter?.Type.TypeKind == TypeKind.Delegate
                     && symbols.IsStep(invocation.TargetMethod))
            {
                return invocation;
            }
        }

        return null;
    }

    private static bool IsInNameOf(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is INameOfOperation)
            {
                return true;
            }
        }

        return false;
    }
}
