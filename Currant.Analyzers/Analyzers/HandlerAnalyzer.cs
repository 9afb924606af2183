using System.Collections.Generic;
using System.Collections.Immutable;
using Currant.Analyzers.Model;
using Currant.Shapes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Currant.Analyzers;

/// <summary>
/// The [Signal], [Query], [Update] and [UpdateValidator] methods of workflows: their shape (CUR2020), a validator that
/// fits its update (CUR2021), one handler per name (CUR2022), and queries and validators that only read (CUR1020).
/// The determinism rules reach handlers through the workflow code walk (they are entry points there).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.HandlerShape,
        DiagnosticDescriptors.ValidatorMismatch,
        DiagnosticDescriptors.DuplicateHandler,
        DiagnosticDescriptors.ReadOnlyHandlerChangesState);

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

            var shapes = new HandlerShapes(start.Compilation);
            if (shapes.Signal is null)
            {
                return;
            }

            // Durable Workflow.* members: a query or validator that calls one would record or wait.
            var durable = ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
            foreach (var name in new[] { "Sleep", "WaitForSignal", "WaitUntil", "Step", "GetVersion" })
            {
                foreach (var member in symbols.Workflow.GetMembers(name))
                {
                    if (member is IMethodSymbol method)
                    {
                        durable.Add(method);
                    }
                }
            }

            var handleStub = start.Compilation.GetTypeByMetadataName("Currant.HandleStub");
            var readOnly = new ReadOnlyRule(symbols, durable.ToImmutable(), handleStub);
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, symbols, shapes), SymbolKind.NamedType);
            start.RegisterOperationBlockStartAction(block => readOnly.Start(block, shapes));
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, CurrantSymbols symbols, HandlerShapes shapes)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var handlers = shapes.HandlersOf(type);
        if (handlers.Count == 0)
        {
            return;
        }

        var isWorkflow = (symbols.KindsOf(type) & ExecutionKinds.Workflow) != 0;
        var names = new Dictionary<string, IMethodSymbol>();
        foreach (var (method, kind, attribute) in handlers)
        {
            var display = DisplayNames.Member(method);
            var attributeName = AttributeName(kind);
            var location = method.Locations[0];
            if (!isWorkflow)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerShape, location, attributeName, display,
                    $"is not in a [Workflow] class ('{DisplayNames.Type(type)}' is not one), so nothing ever calls it"));
                continue;
            }

            if (shapes.ProblemWith(method, kind) is { } problem)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerShape, location, attributeName, display, problem));
                continue;
            }

            if (kind == HandlerKind.UpdateValidator)
            {
                var updateName = HandlerShapes.ValidatedUpdate(attribute);
                var update = updateName is null ? null : shapes.FindUpdate(type, updateName);
                var mismatch = update is null
                    ? $"names '{updateName}', which is not an [Update] method of '{DisplayNames.Type(type)}'"
                    : HandlerShapes.MismatchWith(method, update);
                if (mismatch is not null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ValidatorMismatch, location, display, mismatch));
                }

                continue;
            }

            if (type.GetMembers(method.Name).Length > 1)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateHandler, location, attributeName, display,
                    $"'{method.Name}' is overloaded; a handler is called by name, so its method must not be"));
                continue;
            }

            var key = kind + ":" + HandlerShapes.NameOf(method, attribute);
            if (names.TryGetValue(key, out var first))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateHandler, location, attributeName, display,
                    $"'{DisplayNames.Member(first)}' already answers the {kind.ToString().ToLowerInvariant()} '{HandlerShapes.NameOf(method, attribute)}'"));
            }
            else
            {
                names[key] = method;
            }
        }
    }

    private static string AttributeName(HandlerKind kind) => kind switch
    {
        HandlerKind.Signal => "Signal",
        HandlerKind.Query => "Query",
        HandlerKind.Update => "Update",
        _ => "UpdateValidator",
    };

    /// <summary>CUR1020: the body of a [Query] or [UpdateValidator] method writes the workflow's state, awaits or records.</summary>
    private sealed class ReadOnlyRule(CurrantSymbols symbols, ImmutableHashSet<IMethodSymbol> durable, INamedTypeSymbol? handleStub)
    {
        public void Start(OperationBlockStartAnalysisContext block, HandlerShapes shapes)
        {
            if (block.OwningSymbol is not IMethodSymbol method
                || (symbols.KindsOf(method.ContainingType) & ExecutionKinds.Workflow) == 0
                || shapes.KindOf(method) is not { Kind: HandlerKind.Query or HandlerKind.UpdateValidator } found)
            {
                return;
            }

            var where = $"{(found.Kind == HandlerKind.Query ? "query" : "update validator")} '{DisplayNames.Member(method)}'";
            block.RegisterOperationAction(
                op => Check(op, method, where),
                OperationKind.SimpleAssignment, OperationKind.CompoundAssignment, OperationKind.CoalesceAssignment,
                OperationKind.Increment, OperationKind.Decrement, OperationKind.Invocation, OperationKind.Await);
        }

        private void Check(OperationAnalysisContext context, IMethodSymbol owner, string where)
        {
            string? what = context.Operation switch
            {
                IAssignmentOperation { Target: var target } when WritesWorkflowState(target, owner) => $"writes '{target.Syntax}'",
                IIncrementOrDecrementOperation { Target: var target } when WritesWorkflowState(target, owner) => $"writes '{target.Syntax}'",
                IAwaitOperation => "awaits",
                IInvocationOperation { TargetMethod: var called } when durable.Contains(called.OriginalDefinition)
                    => $"calls 'Workflow.{called.Name}', which records or waits",
                IInvocationOperation { TargetMethod: var called } when symbols.GetStubKind(called) != StubKind.None
                    || SymbolEqualityComparer.Default.Equals(called.ContainingType, handleStub)
                    => $"calls '{DisplayNames.Member(called)}', which starts work or sends a message",
                _ => null,
            };
            if (what is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ReadOnlyHandlerChangesState, context.Operation.Syntax.GetLocation(), where, what));
            }
        }

        /// <summary>A field or property of the workflow itself (this, or static), not a local or another object's member.</summary>
        private static bool WritesWorkflowState(IOperation target, IMethodSymbol owner)
        {
            var (member, instance) = target switch
            {
                IFieldReferenceOperation f => ((ISymbol)f.Field, f.Instance),
                IPropertyReferenceOperation p => (p.Property, p.Instance),
                _ => (null, null),
            };
            if (member is null)
            {
                return false;
            }

            return member.IsStatic
                ? SymbolEqualityComparer.Default.Equals(member.ContainingType, owner.ContainingType)
                : instance is IInstanceReferenceOperation;
        }
    }
}
