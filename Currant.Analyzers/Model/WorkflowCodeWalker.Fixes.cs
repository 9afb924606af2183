using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Currant.Analyzers.Model;

/// <summary>
/// Which findings keep their code fix. A fix writes <c>Workflow.*</c> (or a <c>Workflow.Step</c>) into the method that
/// holds the finding, which throws wherever that method runs outside a workflow: so the fix is offered only where every
/// use of the method, and of each method that uses it in turn, is workflow code.
/// </summary>
internal sealed partial class WorkflowCodeWalker
{
    private readonly Dictionary<IMethodSymbol, bool> _workflowOnly = new(SymbolEqualityComparer.Default);
    private Dictionary<string, List<SimpleNameSyntax>>? _references;

    private void AddFixableFindings(CancellationToken cancellationToken)
    {
        foreach (var (descriptor, location, properties, arguments, method) in _fixable)
        {
            var kept = _stepVisited.ContainsKey(method) || !IsWorkflowOnly(method, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default), cancellationToken)
                ? properties.Remove(FixKinds.Property).Remove(FixKinds.StepNameProperty)
                : properties;
            AddFinding(Diagnostic.Create(descriptor, location, kept, arguments));
        }
    }

    /// <summary>
    /// True when <paramref name="method"/> runs only as workflow code: it is a workflow's entry point (its RunAsync or a
    /// constructor), or every reference to it in this compilation is in a method the walk reached that is itself
    /// workflow-only, or in an instance initializer of a workflow. A reference anywhere else (an activity, a job, a
    /// controller, a step body, the initializer of another type) or a use the walk cannot name (an operator, a
    /// constructor of another type) withholds the fix.
    /// </summary>
    private bool IsWorkflowOnly(IMethodSymbol method, HashSet<IMethodSymbol> active, CancellationToken cancellationToken)
    {
        if (_workflowOnly.TryGetValue(method, out var known))
        {
            return known;
        }

        if (!_visited.TryGetValue(method, out var node) || !node.Fixable || _stepVisited.ContainsKey(method))
        {
            return false;
        }

        if (node.Caller is null)
        {
            return true;
        }

        if (!active.Add(method))
        {
            // A cycle: decided by the references leading into it.
            return true;
        }

        ISymbol? referenced = method.MethodKind switch
        {
            MethodKind.Ordinary or MethodKind.LocalFunction => method,
            MethodKind.PropertyGet or MethodKind.PropertySet => method.AssociatedSymbol,
            _ => null,
        };
        var result = referenced is not null && AllReferencesAreWorkflowOnly(referenced, active, cancellationToken);
        active.Remove(method);
        _workflowOnly[method] = result;
        return result;
    }

    private bool AllReferencesAreWorkflowOnly(ISymbol referenced, HashSet<IMethodSymbol> active, CancellationToken cancellationToken)
    {
        if (!References().TryGetValue(referenced.Name, out var names))
        {
            return true;
        }

        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
#pragma warning disable RS1030 // See Operation(): the driver shares one cached semantic model per tree.
            var model = _compilation.GetSemanticModel(name.SyntaxTree);
#pragma warning restore RS1030
            var info = model.GetSymbolInfo(name, cancellationToken);
            if (!Refers(info.Symbol, referenced) && !RefersToAny(info.CandidateSymbols, referenced))
            {
                continue;
            }

            if (InStepBody(name))
            {
                return false;
            }

            var enclosing = model.GetEnclosingSymbol(name.SpanStart, cancellationToken);
            while (enclosing is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction })
            {
                enclosing = enclosing.ContainingSymbol;
            }

            var inWorkflowInitializer = enclosing is IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false }
                && (_symbols.KindsOf(enclosing.ContainingType) & ExecutionKinds.Workflow) != 0;
            if (!inWorkflowInitializer
                && !(enclosing is IMethodSymbol caller && IsWorkflowOnly(Normalize(caller), active, cancellationToken)))
            {
                return false;
            }
        }

        return true;
    }

    private static IMethodSymbol Normalize(IMethodSymbol method)
    {
        var definition = method.OriginalDefinition;
        return definition.PartialImplementationPart ?? definition;
    }

    private static bool Refers(ISymbol? symbol, ISymbol referenced)
    {
        if (symbol is IMethodSymbol method)
        {
            symbol = Normalize(method.ReducedFrom ?? method);
        }

        return SymbolEqualityComparer.Default.Equals(symbol?.OriginalDefinition, referenced.OriginalDefinition)
               || SymbolEqualityComparer.Default.Equals(symbol, referenced);
    }

    private static bool RefersToAny(System.Collections.Immutable.ImmutableArray<ISymbol> candidates, ISymbol referenced)
    {
        foreach (var candidate in candidates)
        {
            if (Refers(candidate, referenced))
            {
                return true;
            }
        }

        return false;
    }

    private bool InStepBody(SyntaxNode syntax)
    {
        for (var current = syntax.Parent; current is not null; current = current.Parent)
        {
            if (_stepBodies.Contains(current))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The simple names in this compilation spelled like a method the walk reached, read once, when a fix needs them.</summary>
    private Dictionary<string, List<SimpleNameSyntax>> References()
    {
        if (_references is not null)
        {
            return _references;
        }

        // Every method of a chain is a method the walk reached, so those names are all a reference can be spelled as.
        var wanted = new HashSet<string>();
        foreach (var visited in _visited.Keys)
        {
            wanted.Add(visited.AssociatedSymbol?.Name ?? visited.Name);
        }

        _references = new Dictionary<string, List<SimpleNameSyntax>>();
        foreach (var tree in _compilation.SyntaxTrees)
        {
            foreach (var node in tree.GetRoot(_cancellationToken).DescendantNodes())
            {
                if (node is SimpleNameSyntax name && wanted.Contains(name.Identifier.ValueText))
                {
                    if (!_references.TryGetValue(name.Identifier.ValueText, out var list))
                    {
                        _references[name.Identifier.ValueText] = list = new List<SimpleNameSyntax>();
                    }

                    list.Add(name);
                }
            }
        }

        return _references;
    }
}
