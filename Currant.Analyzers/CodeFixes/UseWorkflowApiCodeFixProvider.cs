using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
/// Replaces a nondeterministic API with its <c>Workflow.*</c> counterpart where the meaning is kept:
/// <c>DateTime.UtcNow</c> and <c>DateTimeOffset.UtcNow</c> → <c>Workflow.UtcNow</c>, <c>Guid.NewGuid()</c> →
/// <c>Workflow.NewGuid()</c>, <c>new Random()</c>/<c>Random.Shared</c> → <c>Workflow.Random</c>,
/// <c>Task.Delay(t)</c> → <c>Workflow.Sleep(t)</c>, a static logger → <c>Workflow.Logger</c>. Local-time APIs get no fix: UTC would change what the code means.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseWorkflowApiCodeFixProvider)), Shared]
public sealed class UseWorkflowApiCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.WallClock.Id,
        DiagnosticDescriptors.Randomness.Id,
        DiagnosticDescriptors.RealTimeWait.Id,
        DiagnosticDescriptors.StaticLogger.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(FixKinds.Property, out var fix) || fix is null)
            {
                continue;
            }

            var title = fix switch
            {
                FixKinds.UtcNow or FixKinds.DateTimeOffsetUtcNow => "Use 'Workflow.UtcNow'",
                FixKinds.NewGuid => "Use 'Workflow.NewGuid()'",
                FixKinds.Random => "Use 'Workflow.Random'",
                FixKinds.SleepTimeSpan or FixKinds.SleepMilliseconds => "Use 'Workflow.Sleep'",
                FixKinds.Logger => "Use 'Workflow.Logger'",
                _ => null,
            };
            if (title is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => ApplyAsync(context.Document, diagnostic, fix, ct), equivalenceKey: title),
                    diagnostic);
            }
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, string fix, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node)
        {
            return document;
        }

        SyntaxNode? target;
        ExpressionSyntax? replacement;
        switch (fix)
        {
            case FixKinds.UtcNow:
                target = node.FirstAncestorOrSelf<ExpressionSyntax>();
                replacement = Workflow("UtcNow");
                break;
            case FixKinds.DateTimeOffsetUtcNow:
                target = node.FirstAncestorOrSelf<ExpressionSyntax>();
                replacement = SyntaxFactory.ParseExpression("new global::System.DateTimeOffset(global::Currant.Workflow.UtcNow, global::System.TimeSpan.Zero)");
                break;
            case FixKinds.Random:
                target = node.FirstAncestorOrSelf<ExpressionSyntax>();
                replacement = Workflow("Random");
                break;
            case FixKinds.Logger:
                target = node.FirstAncestorOrSelf<ExpressionSyntax>();
                replacement = Workflow("Logger");
                break;
            case FixKinds.NewGuid:
                target = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
                replacement = SyntaxFactory.InvocationExpression(Workflow("NewGuid"));
                break;
            case FixKinds.SleepTimeSpan:
            case FixKinds.SleepMilliseconds:
                var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
                target = invocation;
                replacement = invocation?.ArgumentList.Arguments.FirstOrDefault()?.Expression is { } delay
                    ? SyntaxFactory.InvocationExpression(
                        Workflow("Sleep"),
                        SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                            fix == FixKinds.SleepTimeSpan
                                ? delay.WithoutTrivia()
                                : SyntaxFactory.InvocationExpression(
                                    SyntaxFactory.ParseExpression("global::System.TimeSpan.FromMilliseconds"),
                                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(delay.WithoutTrivia()))))))))
                    : null;
                break;
            default:
                return document;
        }

        if (target is null || replacement is null)
        {
            return document;
        }

        return await FixSyntax.ReplaceAsync(document, root, target, replacement.WithTriviaFrom(target), cancellationToken).ConfigureAwait(false);
    }

    private static ExpressionSyntax Workflow(string member)
        => SyntaxFactory.ParseExpression("global::Currant.Workflow." + member);
}
