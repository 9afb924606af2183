using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Currant.Analyzers.Model;

/// <summary>
/// Finds order-sensitive uses of collections that enumerate in hash-code order (CUR1010), resolved once per compilation.
/// Conservative by construction: a use is reported only where the order is observed for certain (a <c>foreach</c>, a
/// spread, <c>string.Join</c>, a <c>new List&lt;T&gt;(...)</c>, or a LINQ call whose result depends on order), looking
/// through the LINQ calls that pass the order on (<c>Where</c>, <c>Select</c>, ...). Anything the order cannot change
/// (<c>Count</c>, <c>Any</c>, <c>Contains</c>, <c>Sum</c>, <c>ToDictionary</c>, <c>OrderBy</c>...) and anything not
/// followed (an argument to the user's own method, a returned sequence) is let through.
/// </summary>
internal sealed class HashOrder
{
    // The order of the result depends on the order of the source: reported when the source is hash-ordered.
    private static readonly string[] SensitiveMembers =
    {
        "Aggregate", "Chunk", "ElementAt", "ElementAtOrDefault", "First", "FirstOrDefault", "Last", "LastOrDefault",
        "SequenceEqual", "Skip", "SkipLast", "SkipWhile", "Take", "TakeLast", "TakeWhile", "ToArray", "ToList", "Zip",
    };

    // The result has the source's order: looked through.
    private static readonly string[] PreservingMembers =
    {
        "Append", "AsEnumerable", "Cast", "Concat", "DefaultIfEmpty", "Distinct", "DistinctBy", "Except", "ExceptBy",
        "GroupBy", "Intersect", "IntersectBy", "OfType", "Prepend", "Reverse", "Select", "SelectMany", "Union", "UnionBy", "Where",
    };

    private readonly HashSet<INamedTypeSymbol> _keyedByFirstArgument = new(SymbolEqualityComparer.Default);
    private readonly HashSet<INamedTypeSymbol> _alwaysVarying = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _sensitive = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _preserving = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _join = new(SymbolEqualityComparer.Default);
    private readonly INamedTypeSymbol? _list;
    private readonly INamedTypeSymbol? _enumerableOfT;
    private readonly HashSet<ITypeSymbol> _stableHashTypes = new(SymbolEqualityComparer.Default);

    public HashOrder(Compilation compilation)
    {
        foreach (var name in new[]
                 {
                     "System.Collections.Immutable.ImmutableHashSet`1", "System.Collections.Immutable.ImmutableHashSet`1+Builder",
                     "System.Collections.Immutable.ImmutableDictionary`2", "System.Collections.Immutable.ImmutableDictionary`2+Builder",
                 })
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                _keyedByFirstArgument.Add(type);
            }
        }

        if (compilation.GetTypeByMetadataName("System.Collections.Hashtable") is { } hashtable)
        {
            _alwaysVarying.Add(hashtable);
        }

        if (compilation.GetTypeByMetadataName("System.Linq.Enumerable") is { } enumerable)
        {
            Add(enumerable, SensitiveMembers, _sensitive);
            Add(enumerable, PreservingMembers, _preserving);
        }

        Add(compilation.GetSpecialType(SpecialType.System_String), new[] { "Join" }, _join);
        _list = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
        _enumerableOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IEnumerable`1");

        // Hash codes that are the same in every process: their hash order is still arbitrary, but replay reproduces it.
        foreach (var name in new[] { "System.Guid", "System.DateTime", "System.DateTimeOffset", "System.TimeSpan" })
        {
            if (compilation.GetTypeByMetadataName(name) is { } type)
            {
                _stableHashTypes.Add(type);
            }
        }
    }

    /// <summary>
    /// For an operation that consumes a sequence in order (<paramref name="operation"/>: a foreach, a spread, an
    /// invocation or an object creation), the hash-ordered collection type it consumes, or null.
    /// </summary>
    public ITypeSymbol? ConsumedBy(IOperation operation)
    {
        switch (operation)
        {
            case IForEachLoopOperation loop:
                return Source(loop.Collection);
            case ISpreadOperation spread:
                return Source(spread.Operand);
            case IInvocationOperation invocation:
                var method = (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).OriginalDefinition;
                if (_sensitive.Contains(method))
                {
                    return Receiver(invocation) is { } source ? Source(source) : null;
                }

                if (_join.Contains(method))
                {
                    foreach (var argument in invocation.Arguments)
                    {
                        if (IsSequence(argument.Parameter?.Type) && Source(argument.Value) is { } joined)
                        {
                            return joined;
                        }
                    }
                }

                return null;
            case IObjectCreationOperation { Constructor: { } constructor } creation
                when SymbolEqualityComparer.Default.Equals(constructor.ContainingType.OriginalDefinition, _list):
                foreach (var argument in creation.Arguments)
                {
                    if (IsSequence(argument.Parameter?.Type) && Source(argument.Value) is { } copied)
                    {
                        return copied;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private ITypeSymbol? Source(IOperation operation)
    {
        for (var current = operation; current is not null;)
        {
            switch (current)
            {
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    continue;
                case IInvocationOperation invocation
                    when _preserving.Contains((invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).OriginalDefinition):
                    current = Receiver(invocation);
                    continue;
                case IPropertyReferenceOperation { Property.Name: "Keys" or "Values", Instance: { Type: { } owner } }
                    when IsHashOrdered(owner):
                    return owner;
            }

            return current.Type is { } type && IsHashOrdered(type) ? type : null;
        }

        return null;
    }

    private bool IsHashOrdered(ITypeSymbol type)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (_alwaysVarying.Contains(current.OriginalDefinition))
            {
                return true;
            }

            if (_keyedByFirstArgument.Contains(current.OriginalDefinition))
            {
                var key = current.TypeArguments.Length > 0 ? current.TypeArguments[0]
                    : current.ContainingType is { TypeArguments.Length: > 0 } container ? container.TypeArguments[0]
                    : null;
                return key is not null && !HasStableHash(key);
            }
        }

        return false;
    }

    private bool HasStableHash(ITypeSymbol key)
    {
        if (key is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            key = nullable.TypeArguments[0];
        }

        return key.TypeKind == TypeKind.Enum
               || key.SpecialType is SpecialType.System_Boolean or SpecialType.System_Char
                   or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                   or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
               || _stableHashTypes.Contains(key);
    }

    private bool IsSequence(ITypeSymbol? type)
        => type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, _enumerableOfT);

    /// <summary>The receiver of a call: its instance, or the first argument of a static (extension) method.</summary>
    public static IOperation? Receiver(IInvocationOperation invocation)
    {
        if (invocation.Instance is { } instance)
        {
            return instance;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                return argument.Value;
            }
        }

        return null;
    }

    private static void Add(INamedTypeSymbol type, string[] names, HashSet<IMethodSymbol> into)
    {
        foreach (var name in names)
        {
            foreach (var member in type.GetMembers(name))
            {
                if (member is IMethodSymbol method)
                {
                    into.Add(method);
                }
            }
        }
    }
}
