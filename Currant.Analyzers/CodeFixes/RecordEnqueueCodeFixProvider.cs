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

namespace Currant.Analyzers.CodeFixes;

/// <summary>
/// Wraps <c>await X.Queue(...);</c> in workflow code in <c>Workflow.Step</c>, so the enqueue is recorded and replay
/// skips it (CUR3002). Offered only when the handle is not used: a step records its result, and a handle is not a
/// value that can be recorded.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RecordEnqueueCodeFixProvider)), Shared]
public sealed class RecordEnqueueCodeFixProvider : CodeFixProvider
{
    private const string Title = "Use 'Workflow.Step'";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.QueueInWorkflow.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(FixKinds.Property, out var fix) && fix == FixKinds.RecordEnqueue
                && diagnostic.Properties.TryGetValue(FixKinds.StepNameProperty, out var stepName) && stepName is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(Title, ct => ApplyAsync(context.Document, diagnostic, stepName, ct), equivalenceKey: Title),
                    diagnostic);
            }
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, string stepName, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { Parent: AwaitExpressionSyntax awaitExpression } invocation)
        {
            return document;
        }

        // await Workflow.Step("SendEmail.Queue", async _ => { await SendEmail.Queue(...); });
        var lambda = SyntaxFactory.SimpleLambdaExpression(SyntaxFactory.Parameter(SyntaxFactory.Identifier("_")))
            .WithAsyncKeyword(SyntaxFactory.Token(SyntaxKind.AsyncKeyword))
            .WithBlock(SyntaxFactory.Block(SyntaxFactory.ExpressionStatement(SyntaxFactory.AwaitExpression(invocation.WithoutTrivia()))));
        var step = SyntaxFactory.InvocationExpression(
            SyntaxFactory.ParseExpression("global::Currant.Workflow.Step"),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
            {
                SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(stepName))),
                SyntaxFactory.Argument(lambda),
            })));
        return await FixSyntax.ReplaceAsync(document, root, awaitExpression, awaitExpression.WithExpression(step), cancellationToken).ConfigureAwait(false);
    }
}
