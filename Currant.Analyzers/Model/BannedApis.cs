using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Currant.Analyzers.Model;

/// <summary><see cref="BannedApiTable"/> resolved to symbols for one compilation, with a per-type cache of the type-wide bans.</summary>
internal sealed class BannedApis
{
    private readonly Dictionary<ISymbol, BannedApi> _members = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<INamedTypeSymbol, BannedApi> _types = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<INamedTypeSymbol, BannedApi?> _familyCache = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _configureAwaitBoolean = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _configureAwaitOptions = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _mutators = new(SymbolEqualityComparer.Default);
    private readonly List<INamedTypeSymbol> _loggers = new();
    private readonly HashSet<IMethodSymbol> _dateToStringWithFormat = new(SymbolEqualityComparer.Default);
    private readonly INamedTypeSymbol? _logger;
    private readonly INamedTypeSymbol? _loggerOfT;

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

        foreach (var (typeId, members) in BannedApiTable.Mutators)
        {
            foreach (var type in Resolve<INamedTypeSymbol>(compilation, typeId))
            {
                foreach (var name in members)
                {
                    foreach (var member in type.GetMembers(name))
                    {
                        if (member is IMethodSymbol method)
                        {
                            _mutators.Add(method);
                        }
                    }
                }
            }
        }

        _dateToStringWithFormat.UnionWith(Resolve<IMethodSymbol>(compilation, "M:System.DateTime.ToString(System.String)"));
        _dateToStringWithFormat.UnionWith(Resolve<IMethodSymbol>(compilation, "M:System.DateTimeOffset.ToString(System.String)"));
        _logger = compilation.GetTypeByMetadataName("Microsoft.Extensions.Logging.ILogger");
        _loggerOfT = compilation.GetTypeByMetadataName("Microsoft.Extensions.Logging.ILogger`1");
        foreach (var name in new[] { "Microsoft.Extensions.Logging.ILogger", "Microsoft.Extensions.Logging.ILoggerFactory" })
        {
            if (compilation.GetTypeByMetadataName(name) is { } logger)
            {
                _loggers.Add(logger);
            }
        }
    }

    /// <summary>True when <paramref name="method"/> changes its collection (or string builder) in place.</summary>
    public bool IsMutator(IMethodSymbol method) => _mutators.Contains((method.ReducedFrom ?? method).OriginalDefinition);

    /// <summary>True for exactly ILogger, the type of 'Workflow.Logger'.</summary>
    public bool IsPlainLogger(ITypeSymbol type) => SymbolEqualityComparer.Default.Equals(type, _logger);

    /// <summary>True for ILogger and ILogger&lt;T&gt;, which 'Workflow.Logger' can stand in for as a receiver.</summary>
    public bool IsLoggerInterface(ITypeSymbol type)
        => IsPlainLogger(type) || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, _loggerOfT);

    /// <summary>DateTime(Offset).ToString("o"), "r", "s" and "u": the same text in every culture.</summary>
    public bool IsInvariantDateFormat(IOperation operation)
        => operation is IInvocationOperation invocation
           && _dateToStringWithFormat.Contains(invocation.TargetMethod.OriginalDefinition)
           && invocation.Arguments.Length == 1
           && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string { Length: 1 } format }
           && "oOrRsu".IndexOf(format[0]) >= 0;

    /// <summary>True for ILogger, ILogger&lt;T&gt;, ILoggerFactory and the types implementing them.</summary>
    public bool IsLogger(ITypeSymbol type)
    {
        foreach (var logger in _loggers)
        {
            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, logger))
            {
                return true;
            }

            foreach (var @interface in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(@interface.OriginalDefinition, logger))
                {
                    return true;
                }
            }
        }

        return false;
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
