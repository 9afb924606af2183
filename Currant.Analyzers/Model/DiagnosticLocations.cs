using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Currant.Analyzers.Model;

/// <summary>Where a use is underlined: the whole expression, or only its head when it spans several lines.</summary>
internal static class DiagnosticLocations
{
    public static Location For(SyntaxNode syntax)
    {
        var lines = syntax.SyntaxTree.GetLineSpan(syntax.Span);
        if (lines.StartLinePosition.Line == lines.EndLinePosition.Line)
        {
            return syntax.GetLocation();
        }

        // Task.Run(() => { ...many lines... }) is underlined as 'Task.Run', new Thread(...) as 'new Thread'.
        return syntax switch
        {
            InvocationExpressionSyntax invocation => invocation.Expression.GetLocation(),
            ObjectCreationExpressionSyntax creation => Location.Create(syntax.SyntaxTree, TextSpan.FromBounds(creation.NewKeyword.SpanStart, creation.Type.Span.End)),
            _ => syntax.GetLocation(),
        };
    }

    /// <summary><c>ConfigureAwait(false)</c> alone, not the awaited expression before it.</summary>
    public static Location ForConfigureAwait(SyntaxNode syntax)
        => syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax memberAccess } invocation
            ? Location.Create(syntax.SyntaxTree, TextSpan.FromBounds(memberAccess.Name.SpanStart, invocation.Span.End))
            : syntax.GetLocation();
}
