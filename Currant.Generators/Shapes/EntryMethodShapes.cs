using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Currant.Shapes;

/// <summary>
/// What a [Job]/[Activity]/[Workflow] class's entry method (ExecuteAsync/RunAsync), its parameters and its constructor
/// may look like, per compilation. One source, compiled into both the source generator (which skips a class that
/// breaks a rule) and the analyzers (which report why, CUR2004–CUR2007 and CUR2011), so the two cannot drift apart.
/// </summary>
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
        Sensitive = compilation.GetTypeByMetadataName("Currant.SensitiveAttribute");
    }

    /// <summary><c>Currant.SensitiveAttribute</c>, matched by symbol on parameters.</summary>
    public INamedTypeSymbol? Sensitive { get; }

    public INamedTypeSymbol? CancellationToken => _cancellationToken;

    /// <summary>The entry method candidates: the class's own ordinary methods named <paramref name="name"/> (not inherited ones).</summary>
    public static List<IMethodSymbol> Candidates(INamedTypeSymbol type, string name)
    {
        var candidates = new List<IMethodSymbol>();
        foreach (var member in type.GetMembers(name))
        {
            if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
            {
                candidates.Add(method);
            }
        }

        return candidates;
    }

    /// <summary>
    /// The constructor the generated invoker uses: the public one with the most parameters. Null when there is no
    /// public constructor or when <paramref name="ties"/> &gt; 1 constructors share that count.
    /// </summary>
    public static IMethodSymbol? ChosenConstructor(INamedTypeSymbol type, out int ties)
    {
        IMethodSymbol? chosen = null;
        ties = 0;
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

        return ties > 1 ? null : chosen;
    }

    /// <summary>
    /// Why the generated invoker cannot create <paramref name="type"/>, or null. It uses <see cref="ChosenConstructor"/>,
    /// which must be unique, set the required members and take parameters the service provider can supply.
    /// </summary>
    public string? ConstructorProblem(INamedTypeSymbol type)
    {
        var chosen = ChosenConstructor(type, out var ties);
        if (ties == 0)
        {
            return "has no public constructor";
        }

        if (chosen is null)
        {
            var most = 0;
            foreach (var constructor in type.InstanceConstructors)
            {
                if (constructor.DeclaredAccessibility == Accessibility.Public && constructor.Parameters.Length > most)
                {
                    most = constructor.Parameters.Length;
                }
            }

            return $"has {ties} public constructors with {most} parameters, so none is the obvious choice";
        }

        foreach (var parameter in chosen.Parameters)
        {
            if (parameter.RefKind != RefKind.None || !IsSerializable(parameter.Type))
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

        if (ResultKind(method.ReturnType, out var result) is null || method.ReturnsByRef || method.ReturnsByRefReadonly
            || (result is not null && !IsSerializable(result)))
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

        if (IsCancellationToken(parameter.Type))
        {
            return isLast ? null : "the worker supplies the CancellationToken, so it must be the last parameter";
        }

        if (parameter.Type.IsRefLikeType)
        {
            return "ref struct types such as Span<T> cannot be stored with the execution; use an array or a string";
        }

        // A type parameter can only come from a generic class or method, which CUR2003/CUR2006 report.
        return null;
    }

    /// <summary>True when the last parameter of <paramref name="method"/> is the CancellationToken the worker supplies.</summary>
    public bool TakesCancellationToken(IMethodSymbol method)
    {
        var parameters = method.Parameters;
        return parameters.Length > 0
            && parameters[parameters.Length - 1].RefKind == RefKind.None
            && IsCancellationToken(parameters[parameters.Length - 1].Type);
    }

    public bool IsCancellationToken(ITypeSymbol type) => SymbolEqualityComparer.Default.Equals(type, _cancellationToken);

    /// <summary>
    /// Which of Task, ValueTask, Task&lt;T&gt; or ValueTask&lt;T&gt; <paramref name="returnType"/> is (null for anything
    /// else); <paramref name="result"/> is the T of the generic ones.
    /// </summary>
    public ReturnKind? ResultKind(ITypeSymbol returnType, out ITypeSymbol? result)
    {
        result = null;
        if (returnType is not INamedTypeSymbol named)
        {
            return null;
        }

        var definition = named.OriginalDefinition;
        var comparer = SymbolEqualityComparer.Default;
        if (comparer.Equals(definition, _task))
        {
            return ReturnKind.Task;
        }

        if (comparer.Equals(definition, _valueTask))
        {
            return ReturnKind.ValueTask;
        }

        if (comparer.Equals(definition, _taskOfT) || comparer.Equals(definition, _valueTaskOfT))
        {
            result = named.TypeArguments[0];
            return comparer.Equals(definition, _taskOfT) ? ReturnKind.TaskOfT : ReturnKind.ValueTaskOfT;
        }

        return null;
    }

    /// <summary>Values that can be a generic argument of the runtime's argument reader and writer.</summary>
    public static bool IsSerializable(ITypeSymbol type)
        => type is not (IPointerTypeSymbol or IFunctionPointerTypeSymbol or ITypeParameterSymbol)
           && !type.IsRefLikeType
           && type.SpecialType != SpecialType.System_Void;

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
