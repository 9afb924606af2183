using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Currant.Analyzers.Model;

/// <summary>Every [Job]/[Activity]/[Workflow] class of a compilation by execution name, built once on first use.</summary>
internal sealed class ExecutionCatalog
{
    private readonly CurrantSymbols _symbols;
    private readonly object _gate = new();
    private Dictionary<string, List<INamedTypeSymbol>>? _byName;

    public ExecutionCatalog(CurrantSymbols symbols) => _symbols = symbols;

    /// <summary>The execution names of <paramref name="type"/>: each Currant attribute's <c>Name</c>, else the class name.</summary>
    public IEnumerable<(string Name, AttributeData Attribute)> NamesOf(INamedTypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _symbols.JobAttribute)
                && !SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _symbols.ActivityAttribute)
                && !SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _symbols.WorkflowAttribute))
            {
                continue;
            }

            var name = type.Name;
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == "Name" && argument.Value.Value is string { Length: > 0 } explicitName)
                {
                    name = explicitName;
                }
            }

            yield return (name, attribute);
        }
    }

    /// <summary>The other classes using <paramref name="name"/>, in source order so messages are stable.</summary>
    public List<INamedTypeSymbol> OthersNamed(string name, INamedTypeSymbol except, CancellationToken cancellationToken)
    {
        var others = new List<INamedTypeSymbol>();
        if (ByName(cancellationToken).TryGetValue(name, out var all))
        {
            foreach (var type in all)
            {
                if (!SymbolEqualityComparer.Default.Equals(type, except))
                {
                    others.Add(type);
                }
            }
        }

        others.Sort(static (a, b) =>
        {
            var (left, right) = (a.Locations[0], b.Locations[0]);
            var byFile = string.CompareOrdinal(left.SourceTree?.FilePath, right.SourceTree?.FilePath);
            return byFile != 0 ? byFile : left.SourceSpan.Start.CompareTo(right.SourceSpan.Start);
        });
        return others;
    }

    private Dictionary<string, List<INamedTypeSymbol>> ByName(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_byName is not null)
            {
                return _byName;
            }

            var byName = new Dictionary<string, List<INamedTypeSymbol>>(StringComparer.Ordinal);
            foreach (var symbol in _symbols.Compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type, cancellationToken))
            {
                if (symbol is not INamedTypeSymbol type || _symbols.KindsOf(type) == ExecutionKinds.None)
                {
                    continue;
                }

                foreach (var (name, _) in NamesOf(type))
                {
                    if (!byName.TryGetValue(name, out var list))
                    {
                        byName[name] = list = new List<INamedTypeSymbol>();
                    }

                    if (!list.Contains(type, SymbolEqualityComparer.Default))
                    {
                        list.Add(type);
                    }
                }
            }

            return _byName = byName;
        }
    }
}
