using System.Collections.Immutable;
using Currant.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Currant.Analyzers;

/// <summary>Calls to <c>Workflow.GetVersion(changeId, minSupported, maxSupported)</c> that cannot work (CUR3003, CUR3004).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GetVersionAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.NonConstantChangeId,
        DiagnosticDescriptors.VersionRangeInverted);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (CurrantSymbols.TryCreate(start.Compilation)?.GetVersion is not { } getVersion)
            {
                return;
            }

            start.RegisterOperationAction(operation => Analyze(operation, getVersion), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, IMethodSymbol getVersion)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!SymbolEqualityComparer.Default.Equals(invocation.TargetMethod, getVersion))
        {
            return;
        }

        IOperation? changeId = null, min = null, max = null;
        foreach (var argument in invocation.Arguments)
        {
            switch (argument.Parameter?.Ordinal)
            {
                case 0: changeId = argument.Value; break;
                case 1: min = argument.Value; break;
                case 2: max = argument.Value; break;
            }
        }

        if (changeId is not null && !changeId.ConstantValue.HasValue)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonConstantChangeId, changeId.Syntax.GetLocation()));
        }

        if (min?.ConstantValue is { HasValue: true, Value: int minimum }
            && max?.ConstantValue is { HasValue: true, Value: int maximum }
            && minimum > maximum)
        {
            var id = changeId?.ConstantValue is { HasValue: true, Value: string text } ? text : "…";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.VersionRangeInverted, invocation.Syntax.GetLocation(), id, minimum, maximum));
        }
    }
}
