using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Currant.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace Currant.Analyzers.CodeFixes;

/// <summary>
/// Turns <c>await client.EnqueueAsync(...)</c> in workflow code into
/// <c>await Workflow.Step("EnqueueAsync", _ => client.EnqueueAsync(...))</c> (CUR3002): the ids it returns are
/// recorded, so replay reads them back instead of enqueuing again, and the expression keeps its type.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RecordEnqueueCodeFixProvider)), Shared]
public sealed class RecordEnqueueCodeFixProvider : CodeFixProvider
{
    private const string Title = "Use 'Workflow.Step'";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.QueueInWorkflow.Id);

    // One rewrite per document: the batch fixer's text merge takes neighbouring wraps for conflicting edits.
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(
        static (context, document, diagnostics) => ApplyAsync(document, diagnostics, context.CancellationToken)!);

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(FixKinds.Property, out var fix) && fix == FixKinds.RecordEnqueue)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(Title, ct => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), ct), equivalenceKey: Title),
                    diagnostic);
            }
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var targets = new Dictionary<AwaitExpressionSyntax, string>();
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(FixKinds.Property, out var fix) && fix == FixKinds.RecordEnqueue
                && diagnostic.Properties.TryGetValue(FixKinds.StepNameProperty, out var stepName) && stepName is not null
                && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                    .FirstAncestorOrSelf<InvocationExpressionSyntax>() is { Parent: AwaitExpressionSyntax awaitExpression })
            {
                targets[awaitExpression] = stepName;
            }
        }

        if (targets.Count == 0)
        {
            return document;
        }

        var changed = document.WithSyntaxRoot(root.ReplaceNodes(
            targets.Keys,
            (original, rewritten) => rewritten.WithExpression(FixSyntax.Annotate(Step(targets[original], (InvocationExpressionSyntax)rewritten.Expression)))));
        return await ImportAdder.AddImportsAsync(changed, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>global::Currant.Workflow.Step("name", _ => call)</c>, spaced like hand-written code.</summary>
    private static InvocationExpressionSyntax Step(string stepName, InvocationExpressionSyntax call)
    {
        var space = SyntaxFactory.Space;
        var lambda = SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier("_")), call.WithoutTrivia())
            .WithArrowToken(SyntaxFactory.Token(SyntaxKind.EqualsGreaterThanToken).WithLeadingTrivia(space).WithTrailingTrivia(space));
        return SyntaxFactory.InvocationExpression(
            SyntaxFactory.ParseExpression("global::Currant.Workflow.Step"),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(
                new[]
                {
                    SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(stepName))),
                    SyntaxFactory.Argument(lambda),
                },
                new[] { SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(space) })));
    }
}
