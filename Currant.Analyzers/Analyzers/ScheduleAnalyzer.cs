using System;
using System.Collections.Immutable;
using Currant.Analyzers.Model;
using Currant.Shapes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Currant.Analyzers;

/// <summary>
/// <c>[Schedule]</c> (CUR2050-CUR2052): a cron expression Cronos can read, a time zone the machine knows, and a
/// parameterless job or workflow to put it on. Without these a worker of the queue refuses to start, so they are
/// compile errors.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ScheduleAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.InvalidCron,
        DiagnosticDescriptors.UnknownTimeZone,
        DiagnosticDescriptors.UnschedulableClass);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (CurrantSymbols.TryCreate(start.Compilation) is not { } symbols
                || start.Compilation.GetTypeByMetadataName("Currant.ScheduleAttribute") is not { } scheduleAttribute)
            {
                return;
            }

            var cancellationToken = start.Compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, symbols, scheduleAttribute, cancellationToken), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, CurrantSymbols symbols, INamedTypeSymbol scheduleAttribute, INamedTypeSymbol? cancellationToken)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        foreach (var attribute in type.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, scheduleAttribute))
            {
                continue;
            }

            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) as AttributeSyntax;
            var where = syntax?.GetLocation() ?? type.Locations[0];
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string cron)
            {
                if (CronSyntax.Problem(cron) is { } problem)
                {
                    var argument = syntax?.ArgumentList?.Arguments.Count > 0 ? syntax.ArgumentList.Arguments[0].GetLocation() : where;
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidCron, argument, cron, problem));
                }
            }
            else if (attribute.ConstructorArguments.Length == 1)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidCron, where, "null", "it is missing"));
            }

            foreach (var named in attribute.NamedArguments)
            {
                if (named.Key == "TimeZone" && named.Value.Value is string zone && !TimeZones.IsKnown(zone))
                {
                    var argument = NamedArgumentLocation(syntax, "TimeZone") ?? where;
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownTimeZone, argument, zone));
                }
            }

            if (Unschedulable(type, symbols, cancellationToken) is { } reason)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnschedulableClass, where, DisplayNames.Type(type), reason));
            }
        }
    }

    /// <summary>Why the class cannot carry a [Schedule], or null when it can.</summary>
    private static string? Unschedulable(INamedTypeSymbol type, CurrantSymbols symbols, INamedTypeSymbol? cancellationToken)
    {
        var kinds = symbols.KindsOf(type);
        if (kinds == ExecutionKinds.Activity)
        {
            return "an activity runs only as a step of a workflow; schedule the workflow (or make it a [Job])";
        }

        if (kinds is not (ExecutionKinds.Job or ExecutionKinds.Workflow))
        {
            return kinds == ExecutionKinds.None ? "it needs [Job] or [Workflow] beside it" : null;
        }

        var entryName = kinds == ExecutionKinds.Workflow ? "RunAsync" : "ExecuteAsync";
        foreach (var method in EntryMethodShapes.Candidates(type, entryName))
        {
            foreach (var parameter in method.Parameters)
            {
                if (!SymbolEqualityComparer.Default.Equals(parameter.Type, cancellationToken))
                {
                    return $"{entryName} takes '{parameter.Name}', but a schedule runs it without arguments; call the generated '{type.Name}.Schedule(name, cron, {parameter.Name}, ...)' instead";
                }
            }
        }

        return null;
    }

    private static Location? NamedArgumentLocation(AttributeSyntax? syntax, string name)
    {
        if (syntax?.ArgumentList is null)
        {
            return null;
        }

        foreach (var argument in syntax.ArgumentList.Arguments)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == name)
            {
                return argument.Expression.GetLocation();
            }
        }

        return null;
    }
}
