using Microsoft.CodeAnalysis;

namespace Currant.Analyzers.Model;

/// <summary>What an entry method (ExecuteAsync/RunAsync) and its parameters may look like, per compilation.</summary>
internal sealed class EntryMethodShapes
{
    private readonly INamedTypeSymbol? _task;
    private readonly INamedTypeSymbol? _taskOfT;
    private readonly INamedTypeSymbol? _valueTask;
    private readonly INamedTypeSymbol? _valueTaskOfT;
    private readonly INamedTypeSymbol? _cancellationToken;
    private readonly INamedTypeSymbol? _setsRequiredMembers;

    public EntryMethodShapes(Compilation compilation)
    {
        _task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        _taskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        _valueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        _valueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        _cancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        _setsRequiredMembers = compilation.GetTypeByMetadataName("System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute");
    }

    /// <summary>
    /// Why the generated invoker cannot create <paramref name="type"/>, or null. It uses the public constructor with the
    /// most parameters (the same choice as the generator), so that one must be unique, set the required members and
    /// take parameters the service provider can supply.
    /// </summary>
    public string? ConstructorProblem(INamedTypeSymbol type)
    {
        IMethodSymbol? chosen = null;
        var ties = 0;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility != Accessibility.Public)
            {
                continue;
            }

            if (chosen is null || constructor.Parameters.Length > chosen.Parameters.Length)
            {
                chosen = constructor;
                ties = 1;
            }
            else if (constructor.Parameters.Length == chosen.Parameters.Length)
            {
                ties++;
            }
        }

        if (chosen is null)
        {
            return "has no public constructor";
        }

        if (ties > 1)
        {
            return $"has {ties} public constructors with {chosen.Parameters.Length} parameters, so none is the obvious choice";
        }

        foreach (var parameter in chosen.Parameters)
        {
            if (parameter.RefKind != RefKind.None || parameter.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol or ITypeParameterSymbol
                || parameter.Type.IsRefLikeType)
            {
                return $"takes constructor parameter '{parameter.Name}', which the service provider cannot supply (by reference, a pointer or a ref struct)";
            }
        }

        if (HasRequiredMembers(type) && !SetsRequiredMembers(chosen))
        {
            return "has required members its constructor does not set (mark the constructor [SetsRequiredMembers])";
        }

        return null;
    }

    /// <summary>Why <paramref name="method"/> cannot be an entry method, or null.</summary>
    public string? ProblemWith(IMethodSymbol method)
    {
        if (method.IsStatic)
        {
            return "it must be an instance method";
        }

        if (method.DeclaredAccessibility != Accessibility.Public)
        {
            return "it must be public";
        }

        if (method.IsGenericMethod)
        {
            return "it must not be generic";
        }

        if (method.IsVararg)
        {
            return "it must not take __arglist";
        }

        var returned = method.ReturnType.OriginalDefinition;
        var comparer = SymbolEqualityComparer.Default;
        if (!comparer.Equals(returned, _task) && !comparer.Equals(returned, _taskOfT)
            && !comparer.Equals(returned, _valueTask) && !comparer.Equals(returned, _valueTaskOfT))
        {
            return "it must return Task, Task<T>, ValueTask or ValueTask<T>";
        }

        return null;
    }

    /// <summary>Why <paramref name="parameter"/> cannot be serialized into a queued execution, or null.</summary>
    public string? ProblemWith(IParameterSymbol parameter, bool isLast)
    {
        if (parameter.RefKind != RefKind.None)
        {
            return "ref, out and in parameters cannot be stored with the execution; pass the value";
        }

        if (parameter.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
        {
            return "pointers cannot be stored with the execution";
        }

        if (SymbolEqualityComparer.Default.Equals(parameter.Type, _cancellationToken))
        {
            return isLast ? null : "the worker supplies the CancellationToken, so it must be the last parameter";
        }

        if (parameter.Type.IsRefLikeType)
        {
            return "ref struct types such as Span<T> cannot be stored with the execution; use an array or a string";
        }

        return null;
    }

    private static bool HasRequiredMembers(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool SetsRequiredMembers(IMethodSymbol constructor)
    {
        foreach (var attribute in constructor.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _setsRequiredMembers))
            {
                return true;
            }
        }

        return false;
    }
}
