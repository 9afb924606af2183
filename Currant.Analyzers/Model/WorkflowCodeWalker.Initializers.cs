using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Currant.Analyzers.Model;

/// <summary>
/// How the code that runs because workflow code creates or uses a type becomes part of the walk: instance initializers of
/// the types it creates, static initializers and static constructors of the types it uses.
/// </summary>
internal sealed partial class WorkflowCodeWalker
{
    private void AddInitializer(ISymbol member, CallNode? caller, string link, bool fixable, bool staticInitializer = false)
    {
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            // Generated members (the generator's CurrantDefinition on every workflow) are not walked, like generated
            // methods (see Follow): binding them costs a semantic model per generated file that nothing else needs.
            if (IsGenerated(reference.SyntaxTree))
            {
                continue;
            }

            SyntaxNode? initializer = reference.GetSyntax(_cancellationToken) switch
            {
                VariableDeclaratorSyntax variable => variable.Initializer,
                PropertyDeclarationSyntax property => property.Initializer,
                _ => null,
            };
            if (initializer is not null && Operation(initializer) is { } operation)
            {
                var display = (staticInitializer ? "the static initializer of '" : "the initializer of '") + DisplayNames.Member(member) + "'";
                Pending.Enqueue((new CallNode(display, caller, link: link, fixable: fixable, staticInitializer: staticInitializer), operation));
            }
        }
    }

    /// <summary>
    /// Creating an object of a type of this compilation runs the initializers of its instance fields and properties
    /// (and of its base types'): that is workflow code too, wherever the type is declared. The type may be created
    /// outside workflows as well (by an activity, or a deserializer), so its findings carry no fix.
    /// </summary>
    private void InitializeInstance(INamedTypeSymbol created, CallNode node)
    {
        for (var type = created.OriginalDefinition; type is not null; type = type.BaseType?.OriginalDefinition)
        {
            if (!IsOwnHandWrittenType(type) || !_instanceInitialized.Add(type))
            {
                continue;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } or IPropertySymbol { IsStatic: false })
                {
                    AddInitializer(member, node, "run by creating '" + DisplayNames.Type(created) + "' in", fixable: false);
                }
            }
        }
    }

    /// <summary>
    /// The first use of a type of this compilation (a static member, or creating one) runs its static initializers and
    /// static constructor, once per process: a value computed there (<c>static readonly DateTime Boot = DateTime.UtcNow</c>)
    /// differs between the worker that ran the workflow first and the one that replays it.
    /// </summary>
    private void InitializeStatics(INamedTypeSymbol? touched, CallNode? caller)
    {
        var type = touched?.OriginalDefinition;
        if (type is null || !IsOwnHandWrittenType(type) || !_staticInitialized.Add(type))
        {
            return;
        }

        var link = "run on first use of '" + DisplayNames.Type(type) + "' in";
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: true, IsConst: false, IsImplicitlyDeclared: false } or IPropertySymbol { IsStatic: true })
            {
                AddInitializer(member, caller, link, fixable: false, staticInitializer: true);
            }
        }

        foreach (var constructor in type.StaticConstructors)
        {
            if (!constructor.IsImplicitlyDeclared && !Visited.ContainsKey(constructor) && !IsGeneratedMember(constructor))
            {
                var node = new CallNode("the static constructor of '" + DisplayNames.Type(type) + "'", caller, constructor, link, fixable: false, staticInitializer: true);
                Visited.Add(constructor, node);
                foreach (var reference in constructor.DeclaringSyntaxReferences)
                {
                    if (Operation(reference.GetSyntax(_cancellationToken)) is { } body)
                    {
                        Pending.Enqueue((node, body));
                        break;
                    }
                }
            }
        }
    }

    private bool IsGeneratedMember(ISymbol member)
    {
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            if (IsGenerated(reference.SyntaxTree))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A class, struct or record declared by hand in this compilation, other than a job or activity.</summary>
    private bool IsOwnHandWrittenType(INamedTypeSymbol type)
    {
        if (!SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, _compilation.Assembly)
            || type.TypeKind is not (TypeKind.Class or TypeKind.Struct)
            || (_symbols.KindsOfSelfOrContainer(type) & (ExecutionKinds.Job | ExecutionKinds.Activity)) != 0)
        {
            return false;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (!IsGenerated(reference.SyntaxTree))
            {
                return true;
            }
        }

        return false;
    }
}
