using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Currant.Analyzers;

/// <summary>A <c>ContinueAsNew(...)</c> whose exception is discarded instead of thrown (CUR3030).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContinueAsNewAnalyzer : DiagnosticAnalyzer
{
    private const string ExceptionMetadataName = "Currant.ContinueAsNewException";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ContinueAsNewNotThrown);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Matched by symbol: the runtime's exception type, resolved once per compilation.
            if (start.Compilation.GetTypeByMetadataName(ExceptionMetadataName) is not { } exception)
            {
                return;
            }

            start.RegisterOperationAction(operation => Analyze(operation, exception), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol exception)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.Parent is IExpressionStatementOperation
            && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ReturnType, exception))
        {
            var call = invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name + "(...)";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContinueAsNewNotThrown, invocation.Syntax.GetLocation(), call));
        }
    }
}
