using System.Collections.Generic;
using System.Collections.Immutable;
using Currant.Analyzers.Model;
using Currant.Shapes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Currant.Analyzers;

/// <summary>
/// The shape of [Job]/[Activity]/[Workflow] classes (CUR2001–CUR2011) and workflow constructors (CUR3005). The
/// source generator skips a class it cannot use without a word, so these rules are what tells the user why.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ClassNotPartial,
        DiagnosticDescriptors.ContainingTypeNotPartial,
        DiagnosticDescriptors.GenericClass,
        DiagnosticDescriptors.MissingEntryMethod,
        DiagnosticDescriptors.AmbiguousEntryMethod,
        DiagnosticDescriptors.UnsupportedEntryMethod,
        DiagnosticDescriptors.UnsupportedParameter,
        DiagnosticDescriptors.DuplicateExecutionName,
        DiagnosticDescriptors.NotInstantiable,
        DiagnosticDescriptors.ConflictingKinds,
        DiagnosticDescriptors.UnusableConstructor,
        DiagnosticDescriptors.WorkflowConstructorParameters);

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

            var shapes = new EntryMethodShapes(start.Compilation);
            var catalog = new ExecutionCatalog(symbols);
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, symbols, shapes, catalog), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, CurrantSymbols symbols, EntryMethodShapes shapes, ExecutionCatalog catalog)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var kinds = symbols.KindsOf(type);
        if (kinds == ExecutionKinds.None || type.TypeKind != TypeKind.Class)
        {
            return;
        }

        var kind = (kinds & ExecutionKinds.Workflow) != 0 ? ExecutionKinds.Workflow
            : (kinds & ExecutionKinds.Activity) != 0 ? ExecutionKinds.Activity
            : ExecutionKinds.Job;
        var kindName = DisplayNames.Kind(kind);
        var typeName = DisplayNames.Type(type);
        var location = type.Locations[0];

        if (kinds is not (ExecutionKinds.Job or ExecutionKinds.Activity or ExecutionKinds.Workflow))
        {
            var names = new List<string>();
            foreach (var single in new[] { ExecutionKinds.Job, ExecutionKinds.Activity, ExecutionKinds.Workflow })
            {
                if ((kinds & single) != 0)
                {
                    names.Add(DisplayNames.Kind(single));
                }
            }

            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ConflictingKinds, location, typeName, names[0], names[1]));
        }

        if (!IsPartial(type))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ClassNotPartial, location, kindName, typeName));
        }

        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            if (!IsPartial(container))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ContainingTypeNotPartial, location, additionalLocations: new[] { container.Locations[0] },
                    kindName, typeName, DisplayNames.Type(container)));
            }
        }

        if (IsGenericOrInGeneric(type))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GenericClass, location, kindName, typeName));
        }

        if (type.IsStatic || type.IsAbstract)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotInstantiable, location, kindName, typeName, type.IsStatic ? "static" : "abstract"));
        }
        else if (shapes.ConstructorProblem(type) is { } constructorProblem)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnusableConstructor, location, kindName, typeName, constructorProblem));
        }

        AnalyzeEntryMethod(context, type, kind, kindName, typeName, shapes);
        AnalyzeNames(context, type, catalog);

        if (kind == ExecutionKinds.Workflow)
        {
            foreach (var constructor in type.InstanceConstructors)
            {
                if (constructor.Parameters.Length > 0 && !constructor.IsImplicitlyDeclared)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WorkflowConstructorParameters, ConstructorLocation(constructor), typeName));
                }
            }
        }
    }

    private static void AnalyzeEntryMethod(
        SymbolAnalysisContext context, INamedTypeSymbol type, ExecutionKinds kind, string kindName, string typeName, EntryMethodShapes shapes)
    {
        var entryName = kind == ExecutionKinds.Workflow ? "RunAsync" : "ExecuteAsync";
        // Only the class's own methods: the generator does not look at inherited ones.
        var candidates = EntryMethodShapes.Candidates(type, entryName);

        if (candidates.Count == 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MissingEntryMethod, type.Locations[0], kindName, typeName, entryName));
            return;
        }

        if (candidates.Count > 1)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AmbiguousEntryMethod, type.Locations[0], kindName, typeName, candidates.Count, entryName));
            return;
        }

        var entry = candidates[0];
        var entryDisplay = DisplayNames.EntryMethod(entry);
        var problem = shapes.ProblemWith(entry);
        if (problem is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsupportedEntryMethod, entry.Locations[0], entryDisplay, kindName, typeName, problem));
        }

        for (var i = 0; i < entry.Parameters.Length; i++)
        {
            var parameter = entry.Parameters[i];
            if (shapes.ProblemWith(parameter, isLast: i == entry.Parameters.Length - 1) is { } parameterProblem)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsupportedParameter, parameter.Locations[0], parameter.Name, entryDisplay, parameterProblem));
            }
        }
    }

    private static void AnalyzeNames(SymbolAnalysisContext context, INamedTypeSymbol type, ExecutionCatalog catalog)
    {
        foreach (var (name, attribute) in catalog.NamesOf(type))
        {
            var others = catalog.OthersNamed(name, type, context.CancellationToken);
            if (others.Count == 0)
            {
                continue;
            }

            var location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations[0];
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DuplicateExecutionName, location, name, DisplayNames.Type(type), DisplayNames.Type(others[0])));
        }
    }

    private static bool IsPartial(INamedTypeSymbol type)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsGenericOrInGeneric(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeParameters.Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static Location ConstructorLocation(IMethodSymbol constructor)
    {
        // A primary constructor's parameters are underlined, an explicit constructor by its name.
        foreach (var reference in constructor.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax { ParameterList: { } parameters })
            {
                return parameters.GetLocation();
            }
        }

        return constructor.Locations[0];
    }
}
