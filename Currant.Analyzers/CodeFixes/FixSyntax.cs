using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace Currant.Analyzers.CodeFixes;

/// <summary>
/// Code fixes write fully qualified names (<c>global::Currant.Workflow.UtcNow</c>) so they mean the same thing
/// wherever they land; these helpers add <c>using Currant;</c> and let the simplifier shorten them where that is safe.
/// </summary>
internal static class FixSyntax
{
    /// <summary>Marks every qualified name in <paramref name="expression"/> for import and simplification.</summary>
    public static TNode Annotate<TNode>(TNode expression)
        where TNode : SyntaxNode
    {
        var qualified = expression.DescendantNodesAndSelf()
            .Where(static node => node is MemberAccessExpressionSyntax or QualifiedNameSyntax or AliasQualifiedNameSyntax);
        // No formatter: replacements carry their own spacing, and reformatting the neighbourhood would make the edits
        // of a Fix All overlap.
        return expression.ReplaceNodes(qualified, static (_, rewritten) => rewritten.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
    }

    /// <summary>Replaces <paramref name="target"/>, then adds the usings the annotated names need.</summary>
    public static async Task<Document> ReplaceAsync(Document document, SyntaxNode root, SyntaxNode target, SyntaxNode replacement, CancellationToken cancellationToken)
    {
        var changed = document.WithSyntaxRoot(root.ReplaceNode(target, Annotate(replacement)));
        return await ImportAdder.AddImportsAsync(changed, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
