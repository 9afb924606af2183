using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Currant.Analyzers.CodeFixes;

/// <summary>Swaps inverted <c>minSupported</c>/<c>maxSupported</c> of <c>Workflow.GetVersion</c> (CUR3004).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SwapVersionBoundsCodeFixProvider)), Shared]
public sealed class SwapVersionBoundsCodeFixProvider : CodeFixProvider
{
    private const string Title = "Swap 'minSupported' and 'maxSupported'";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.VersionRangeInverted.Id);

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
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } syntax
            || model.GetOperation(syntax, cancellationToken) is not IInvocationOperation invocation)
        {
            return document;
        }

        ExpressionSyntax? min = null, max = null;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Syntax is ArgumentSyntax { Expression: { } expression })
            {
                if (argument.Parameter?.Ordinal == 1)
                {
                    min = expression;
                }
                else if (argument.Parameter?.Ordinal == 2)
                {
                    max = expression;
                }
            }
        }

        if (min is null || max is null)
        {
            return document;
        }

        var swapped = root.ReplaceNodes(new[] { min, max }, (original, _) => original == min ? max.WithTriviaFrom(min) : min.WithTriviaFrom(max));
        return document.WithSyntaxRoot(swapped);
    }
}
