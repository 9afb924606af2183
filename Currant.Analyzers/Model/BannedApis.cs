using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Currant.Analyzers.Model;

/// <summary><see cref="BannedApiTable"/> resolved to symbols for one compilation, with a per-type cache of the type-wide bans.</summary>
internal sealed class BannedApis
{
    private readonly Dictionary<ISymbol, BannedApi> _members = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<INamedTypeSymbol, BannedApi> _types = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<INamedTypeSymbol, BannedApi?> _familyCache = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _configureAwaitBoolean = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _configureAwaitOptions = new(SymbolEqualityComparer.Default);

    public BannedApis(Compilation compilation)
    {
        // Type-wide and by-name entries first, so the exact member IDs below override them.
        foreach (var entry in BannedApiTable.Entries)
        {
            if (!entry.Id.StartsWith("T:", System.StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var type in Resolve<INamedTypeSymbol>(compilation, entry.Id))
            {
                if (entry.Member is null)
                {
                    _types[type] = entry;
                    continue;
                }

                var firstParameter = entry.FirstParameterType is null ? null : ResolveFirst<ITypeSymbol>(compilation, entry.FirstParameterType);
                var members = entry.Member == ".ctor" ? (IEnumerable<ISymbol>)type.InstanceConstructors : type.GetMembers(entry.Member);
                foreach (var member in members)
                {
                    if (firstParameter is null || FirstParameterMatches(member, firstParameter))
                    {
                        _members[member] = entry;
                    }
                }
            }
        }

        foreach (var entry in BannedApiTable.Entries)
        {
            if (!entry.Id.StartsWith("T:", System.StringComparison.Ordinal))
            {
                foreach (var member in Resolve<ISymbol>(compilation, entry.Id))
                {
                    _members[member] = entry;
                }
            }
        }

        foreach (var id in BannedApiTable.ConfigureAwaitBoolean)
        {
            _configureAwaitBoolean.UnionWith(Resolve<IMethodSymbol>(compilation, id));
        }

        foreach (var id in BannedApiTable.ConfigureAwaitOptions)
        {
            _configureAwaitOptions.UnionWith(Resolve<IMethodSymbol>(compilation, id));
        }
    }

    /// <summary>The entry banning <paramref name="symbol"/> (a referenced method, property, field or event), if any.</summary>
    public BannedApi? Find(ISymbol symbol)
    {
        var definition = (symbol is IMethodSymbol { ReducedFrom: { } reducedFrom } ? reducedFrom : symbol).OriginalDefinition;
        if (_members.TryGetValue(definition, out var entry))
        {
            return entry.Kind == NondeterminismKind.Allowed ? null : entry;
        }

        return definition.ContainingType is { } type ? FindFamily(type.OriginalDefinition) : null;
    }

    /// <summary>True for <c>ConfigureAwait(false)</c> and for ConfigureAwaitOptions without ContinueOnCapturedContext.</summary>
    public bool IsConfigureAwaitFalse(IMethodSymbol method, IOperation? argument, out bool fixable)
    {
        fixable = false;
        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        if (argument?.ConstantValue is not { HasValue: true, Value: { } value })
        {
            return false;
        }

        if (_configureAwaitBoolean.Contains(definition))
        {
            fixable = value is false;
            return fixable;
        }

        // ConfigureAwaitOptions.ContinueOnCapturedContext == 1.
        return _configureAwaitOptions.Contains(definition) && value is int options && (options & 1) == 0;
    }

    private static bool FirstParameterMatches(ISymbol member, ITypeSymbol firstParameter)
        => member is IMethodSymbol { Parameters.Length: > 0 } method
           && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, firstParameter);

    private static IEnumerable<T> Resolve<T>(Compilation compilation, string id)
        where T : class, ISymbol
    {
        foreach (var symbol in DocumentationCommentId.GetSymbolsForDeclarationId(id, compilation))
        {
            if (symbol is T typed)
            {
                yield return typed;
            }
        }
    }

    private static T? ResolveFirst<T>(Compilation compilation, string id)
        where T : class, ISymbol
        => DocumentationCommentId.GetFirstSymbolForDeclarationId(id, compilation) as T;

    private BannedApi? FindFamily(INamedTypeSymbol type)
    {
        if (!_familyCache.TryGetValue(type, out var entry))
        {
            entry = ComputeFamily(type);
            _familyCache.TryAdd(type, entry);
        }

        return entry;
    }

    private BannedApi? ComputeFamily(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (_types.TryGetValue(current.OriginalDefinition, out var entry))
            {
                return entry;
            }
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (_types.TryGetValue(@interface.OriginalDefinition, out var entry))
            {
                return entry;
            }
        }

        return null;
    }
}
