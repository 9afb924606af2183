using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Currant.Analyzers.CodeFixes;

/// <summary>Adds <c>partial</c> to a Currant class (CUR2001) or to a type containing one (CUR2002).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ClassNotPartial.Id,
        DiagnosticDescriptors.ContainingTypeNotPartial.Id);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            // CUR2002 points at the nested class and carries the container's location as its first additional location.
            var typeLocation = diagnostic.Id == DiagnosticDescriptors.ContainingTypeNotPartial.Id && diagnostic.AdditionalLocations.Count > 0
                ? diagnostic.AdditionalLocations[0]
                : diagnostic.Location;
            var document = context.Document.Project.Solution.GetDocument(typeLocation.SourceTree);
            if (document is null)
            {
                continue;
            }

            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root?.FindNode(typeLocation.SourceSpan).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration)
            {
                continue;
            }

            var title = "Make '" + declaration.Identifier.ValueText + "' partial";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => ApplyAsync(document, typeLocation, ct), equivalenceKey: "MakePartial"),
                diagnostic);
        }
    }

    private static async Task<Solution> ApplyAsync(Document document, Location typeLocation, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        if (editor.OriginalRoot.FindNode(typeLocation.SourceSpan).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration)
        {
            return document.Project.Solution;
        }

        var generator = editor.Generator;
        editor.ReplaceNode(declaration, (current, _) => generator.WithModifiers(current, generator.GetModifiers(current).WithPartial(true)));
        return editor.GetChangedDocument().Project.Solution;
    }
}
