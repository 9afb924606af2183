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

    public EntryMethodShapes(Compilation compilation)
    {
        _task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        _taskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        _valueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        _valueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        _cancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
    }

    /// <summary>Why <paramref name="method"/> cannot be an entry method, or null.</summary>
    public string? ProblemWith(IMethodSymbol method)
    {
        if (method.IsStatic)
        {
            return "it must be an instance method";
        }

        if (method.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
        {
            return "it must be public or internal, so the generated registry can call it";
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
}
