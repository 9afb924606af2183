using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Currant.Analyzers.Model;

/// <summary>
/// The result of walking every workflow's code once per compilation: the determinism diagnostics, grouped by the
/// file they belong to (so each file reports its own, in the IDE as in the build), the places where a
/// <c>Run(...)</c> stub or a <c>Workflow.*</c> member is used from workflow code, and those where a stub or a
/// <c>Workflow.*</c> member is used from a step body of workflow code (already reported as CUR3007).
/// </summary>
internal sealed class WorkflowCode
{
    private readonly Dictionary<SyntaxTree, List<Diagnostic>> _findings;
    private readonly HashSet<(SyntaxTree Tree, TextSpan Span)> _workflowSites;
    private readonly HashSet<(SyntaxTree Tree, TextSpan Span)> _stepSites;

    public WorkflowCode(
        Dictionary<SyntaxTree, List<Diagnostic>> findings,
        HashSet<(SyntaxTree Tree, TextSpan Span)> workflowSites,
        HashSet<(SyntaxTree Tree, TextSpan Span)> stepSites)
    {
        _findings = findings;
        _workflowSites = workflowSites;
        _stepSites = stepSites;
    }

    public IReadOnlyList<Diagnostic> FindingsIn(SyntaxTree tree)
        => _findings.TryGetValue(tree, out var list) ? list : (IReadOnlyList<Diagnostic>)ImmutableArray<Diagnostic>.Empty;

    /// <summary>True when <paramref name="syntax"/> (a Run stub or Workflow.* use) was reached from a workflow's entry point.</summary>
    public bool IsReachedFromWorkflow(SyntaxNode syntax) => _workflowSites.Contains((syntax.SyntaxTree, syntax.Span));

    /// <summary>True when <paramref name="syntax"/> (a stub or Workflow.* use) was reached from a step body of workflow code.</summary>
    public bool IsReachedFromStep(SyntaxNode syntax) => _stepSites.Contains((syntax.SyntaxTree, syntax.Span));
}
