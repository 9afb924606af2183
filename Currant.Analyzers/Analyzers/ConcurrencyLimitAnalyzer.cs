using System.Collections.Immutable;
using System.Linq;
using Currant.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Currant.Analyzers;

/// <summary>
/// <c>[Job(ConcurrencyKey = "userId", MaxConcurrency = 1)]</c>: the key names a parameter of <c>ExecuteAsync</c>
/// (CUR2060), and the two settings come together with a limit of at least 1 (CUR2061). The generator emits a limit
/// only for a valid pair, so these rules say why a limit is missing.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConcurrencyLimitAnalyzer : DiagnosticAnalyzer
{
    private const string KeyProperty = "ConcurrencyKey";
    private const string MaxProperty = "MaxConcurrency";
    private const string EntryMethod = "ExecuteAsync";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnknownConcurrencyKey,
        DiagnosticDescriptors.IncompleteConcurrencyLimit);

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

            var cancellationToken = start.Compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, symbols, cancellationToken), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, CurrantSymbols symbols, INamedTypeSymbol? cancellationToken)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        foreach (var attribute in type.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, symbols.JobAttribute))
            {
                continue;
            }

            string? key = null;
            int? max = null;
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Value.Kind == TypedConstantKind.Error)
                {
                    continue;
                }

                if (argument.Key == KeyProperty)
                {
                    key = argument.Value.Value as string;
                }
                else if (argument.Key == MaxProperty && argument.Value.Value is int value)
                {
                    max = value;
                }
            }

            Check(context, type, attribute, key, max, cancellationToken);
        }
    }

    private static void Check(SymbolAnalysisContext context, INamedTypeSymbol type, AttributeData attribute, string? key, int? max, INamedTypeSymbol? cancellationToken)
    {
        if (key is null && max is null)
        {
            return;
        }

        string? problem = key is null ? $"MaxConcurrency = {max} needs ConcurrencyKey naming the ExecuteAsync parameter to limit by"
            : max is null ? $"ConcurrencyKey = \"{key}\" needs MaxConcurrency, how many executions per value may run at once (at least 1)"
            : max < 1 ? $"MaxConcurrency = {max} must be at least 1 (pause the queue to stop it)"
            : null;
        if (problem is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.IncompleteConcurrencyLimit, Location(attribute, key is null ? MaxProperty : KeyProperty, type), type.Name, problem));
        }

        if (key is null)
        {
            return;
        }

        // Exactly one entry method, else CUR2004/CUR2005 speak and this rule stays silent.
        var entries = type.GetMembers(EntryMethod).OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary).ToList();
        if (entries.Count != 1)
        {
            return;
        }

        var parameters = entries[0].Parameters
            .Where(p => cancellationToken is null || !SymbolEqualityComparer.Default.Equals(p.Type, cancellationToken))
            .Select(p => p.Name)
            .ToList();
        if (!parameters.Contains(key))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownConcurrencyKey, Location(attribute, KeyProperty, type),
                type.Name, key, EntryMethod, parameters.Count == 0 ? "none" : string.Join(", ", parameters)));
        }
    }

    /// <summary>The named argument's expression in the attribute, else the attribute, else the class name.</summary>
    private static Location Location(AttributeData attribute, string property, INamedTypeSymbol type)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax)
        {
            var argument = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == property);
            return (argument ?? (SyntaxNode)syntax).GetLocation();
        }

        return type.Locations[0];
    }
}
