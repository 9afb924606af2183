using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Currant.Analyzers.CodeFixes;

/// <summary>Turns a discarded <c>ContinueAsNew(...)</c> statement into <c>throw ContinueAsNew(...)</c> (CUR3030).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ThrowContinueAsNewCodeFixProvider)), Shared]
public sealed class ThrowContinueAsNewCodeFixProvider : CodeFixProvider
{
    private const string Title = "Throw the ContinueAsNew exception";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ContinueAsNewNotThrown.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(CodeAction.Create(Title, ct => ApplyAsync(context.Document, diagnostic, ct), equivalenceKey: Title), diagnostic);
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement)
        {
            return document;
        }

        var thrown = SyntaxFactory.ThrowStatement(statement.Expression.WithoutLeadingTrivia().WithLeadingTrivia(SyntaxFactory.Space))
            .WithLeadingTrivia(statement.GetLeadingTrivia())
            .WithTrailingTrivia(statement.GetTrailingTrivia());
        return document.WithSyntaxRoot(root.ReplaceNode(statement, thrown));
    }
}
