using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Currant.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Currant.Analyzers.CodeFixes;

/// <summary>Turns <c>await x.ConfigureAwait(false)</c> into <c>await x</c> in workflow code (CUR1005).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveConfigureAwaitCodeFixProvider)), Shared]
public sealed class RemoveConfigureAwaitCodeFixProvider : CodeFixProvider
{
    private const string Title = "Remove 'ConfigureAwait(false)'";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ConfigureAwaitFalse.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(FixKinds.Property, out var fix) && fix == FixKinds.RemoveConfigureAwait)
            {
                context.RegisterCodeFix(CodeAction.Create(Title, ct => ApplyAsync(context.Document, diagnostic, ct), equivalenceKey: Title), diagnostic);
            }
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { Expression: MemberAccessExpressionSyntax memberAccess } invocation)
        {
            return document;
        }

        var awaited = memberAccess.Expression
            .WithLeadingTrivia(invocation.GetLeadingTrivia())
            .WithTrailingTrivia(invocation.GetTrailingTrivia());
        return document.WithSyntaxRoot(root.ReplaceNode(invocation, awaited));
    }
}
