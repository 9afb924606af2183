using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Currant.Shapes;

/// <summary>
/// What the [Signal], [Query], [Update] and [UpdateValidator] methods of a workflow may look like, per compilation.
/// Compiled into the generator (which skips a handler that breaks a rule) and the analyzers (which say why, CUR2020–
/// CUR2023), so the two cannot drift apart.
/// </summary>
internal sealed class HandlerShapes
{
    private readonly INamedTypeSymbol? _task;
    private readonly INamedTypeSymbol? _taskOfT;
    private readonly INamedTypeSymbol? _valueTask;
    private readonly INamedTypeSymbol? _valueTaskOfT;
    private readonly INamedTypeSymbol? _cancellationToken;

    public HandlerShapes(Compilation compilation)
    {
        _task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        _taskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        _valueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        _valueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        _cancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Signal = compilation.GetTypeByMetadataName("Currant.SignalAttribute");
        Query = compilation.GetTypeByMetadataName("Currant.QueryAttribute");
        Update = compilation.GetTypeByMetadataName("Currant.UpdateAttribute");
        UpdateValidator = compilation.GetTypeByMetadataName("Currant.UpdateValidatorAttribute");
    }

    public INamedTypeSymbol? Signal { get; }

    public INamedTypeSymbol? Query { get; }

    public INamedTypeSymbol? Update { get; }

    public INamedTypeSymbol? UpdateValidator { get; }

    /// <summary>The handler attribute on <paramref name="method"/> and its data, or null (also when it carries two).</summary>
    public (HandlerKind Kind, AttributeData Attribute)? KindOf(IMethodSymbol method)
    {
        (HandlerKind, AttributeData)? found = null;
        foreach (var attribute in method.GetAttributes())
        {
            HandlerKind? kind = SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Signal) ? HandlerKind.Signal
                : SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Query) ? HandlerKind.Query
                : SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Update) ? HandlerKind.Update
                : SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, UpdateValidator) ? HandlerKind.UpdateValidator
                : null;
            if (kind is { } k)
            {
                if (found is not null)
                {
                    return null;
                }

                found = (k, attribute);
            }
        }

        return found;
    }

    /// <summary>The name callers use: the attribute's <c>Name</c>, else the method name.</summary>
    public static string NameOf(IMethodSymbol method, AttributeData attribute)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == "Name" && argument.Value.Value is string { Length: > 0 } name)
            {
                return name;
            }
        }

        return method.Name;
    }

    /// <summary>The update method a validator names (its constructor argument), or null.</summary>
    public static string? ValidatedUpdate(AttributeData attribute)
        => attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;

    /// <summary>What the method returns, and its result type for Task&lt;T&gt;, ValueTask&lt;T&gt; or a plain value.</summary>
    public HandlerReturn ReturnOf(IMethodSymbol method, out ITypeSymbol? result)
    {
        result = null;
        var type = method.ReturnType;
        if (method.ReturnsVoid)
        {
            return HandlerReturn.Void;
        }

        if (SymbolEqualityComparer.Default.Equals(type, _task))
        {
            return HandlerReturn.Task;
        }

        if (SymbolEqualityComparer.Default.Equals(type, _valueTask))
        {
            return HandlerReturn.ValueTask;
        }

        if (type is INamedTypeSymbol { IsGenericType: true } generic)
        {
            if (SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, _taskOfT))
            {
                result = generic.TypeArguments[0];
                return HandlerReturn.TaskOfT;
            }

            if (SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, _valueTaskOfT))
            {
                result = generic.TypeArguments[0];
                return HandlerReturn.ValueTaskOfT;
            }
        }

        result = type;
        return HandlerReturn.Value;
    }

    /// <summary>Why <paramref name="method"/> cannot be a handler of <paramref name="kind"/>, or null when it can.</summary>
    public string? ProblemWith(IMethodSymbol method, HandlerKind kind)
    {
        if (method.IsStatic || method.IsGenericMethod || method.MethodKind != MethodKind.Ordinary)
        {
            return "it must be an ordinary, non-generic instance method";
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None || parameter.Type.IsRefLikeType || parameter.Type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
            {
                return $"parameter '{parameter.Name}' cannot be sent as JSON (ref, out, in, pointer or ref struct)";
            }

            if (SymbolEqualityComparer.Default.Equals(parameter.Type, _cancellationToken))
            {
                return "handlers take no CancellationToken";
            }
        }

        var returns = ReturnOf(method, out _);
        return kind switch
        {
            HandlerKind.Signal when returns is not (HandlerReturn.Void or HandlerReturn.Task)
                => "a [Signal] method returns void or Task: a signal has no result",
            HandlerKind.Query when returns is not HandlerReturn.Value
                => "a [Query] method returns a value, not void or a task: a query answers at once and never awaits",
            HandlerKind.UpdateValidator when returns is not HandlerReturn.Void
                => "an [UpdateValidator] method returns void and throws to reject the update",
            _ => null,
        };
    }

    /// <summary>
    /// Why <paramref name="validator"/> does not fit <paramref name="update"/>: the same parameter types in the same
    /// order (null when it fits).
    /// </summary>
    public static string? MismatchWith(IMethodSymbol validator, IMethodSymbol update)
    {
        if (validator.Parameters.Length != update.Parameters.Length)
        {
            return $"it takes {validator.Parameters.Length} parameters, but update '{update.Name}' takes {update.Parameters.Length}";
        }

        for (var i = 0; i < validator.Parameters.Length; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(validator.Parameters[i].Type, update.Parameters[i].Type))
            {
                return $"parameter {i + 1} is '{validator.Parameters[i].Type.ToDisplayString()}', but update '{update.Name}' takes '{update.Parameters[i].Type.ToDisplayString()}'";
            }
        }

        return null;
    }

    /// <summary>The [Update] method of <paramref name="type"/> named <paramref name="methodName"/> (the C# name), or null.</summary>
    public IMethodSymbol? FindUpdate(INamedTypeSymbol type, string methodName)
    {
        IMethodSymbol? found = null;
        foreach (var member in type.GetMembers(methodName))
        {
            if (member is IMethodSymbol method && KindOf(method) is { Kind: HandlerKind.Update })
            {
                if (found is not null)
                {
                    return null;
                }

                found = method;
            }
        }

        return found;
    }

    /// <summary>The handler methods a workflow declares, in declaration order.</summary>
    public List<(IMethodSymbol Method, HandlerKind Kind, AttributeData Attribute)> HandlersOf(INamedTypeSymbol type)
    {
        var result = new List<(IMethodSymbol, HandlerKind, AttributeData)>();
        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol method && KindOf(method) is { } found)
            {
                result.Add((method, found.Kind, found.Attribute));
            }
        }

        return result;
    }
}
