using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Currant.Analyzers.Model;

/// <summary>
/// Currant's own types, resolved once per compilation. <see cref="TryCreate"/> returns null when the compilation does
/// not reference Currant.Runtime (or is Currant.Runtime itself), and every analyzer then registers nothing.
/// </summary>
internal sealed class CurrantSymbols
{
    private readonly ConcurrentDictionary<INamedTypeSymbol, ExecutionKinds> _kinds = new(SymbolEqualityComparer.Default);
    private readonly object _stubTypesGate = new();
    private Dictionary<INamedTypeSymbol, INamedTypeSymbol?>? _stubTypes;

    private CurrantSymbols(Compilation compilation, INamedTypeSymbol job, INamedTypeSymbol activity, INamedTypeSymbol workflowAttribute, INamedTypeSymbol workflow)
    {
        Compilation = compilation;
        JobAttribute = job;
        ActivityAttribute = activity;
        WorkflowAttribute = workflowAttribute;
        Workflow = workflow;

        var steps = ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var member in workflow.GetMembers("Step"))
        {
            if (member is IMethodSymbol method)
            {
                steps.Add(method);
            }
        }

        StepMethods = steps.ToImmutable();
        foreach (var member in workflow.GetMembers("GetVersion"))
        {
            if (member is IMethodSymbol { Parameters.Length: 3 } method)
            {
                GetVersion = method;
            }
        }

        var enqueue = ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
        foreach (var clientName in new[] { "Currant.ICurrantClient", "Currant.CurrantClient" })
        {
            if (compilation.GetTypeByMetadataName(clientName) is { } client)
            {
                foreach (var name in new[] { "EnqueueAsync", "EnqueueManyAsync" })
                {
                    foreach (var member in client.GetMembers(name))
                    {
                        if (member is IMethodSymbol method)
                        {
                            enqueue.Add(method);
                        }
                    }
                }
            }
        }

        ClientEnqueueMethods = enqueue.ToImmutable();
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol JobAttribute { get; }

    public INamedTypeSymbol ActivityAttribute { get; }

    public INamedTypeSymbol WorkflowAttribute { get; }

    /// <summary>The static <c>Currant.Workflow</c> class.</summary>
    public INamedTypeSymbol Workflow { get; }

    /// <summary>Both <c>Workflow.Step</c> overloads; the delegates given to them are not workflow code.</summary>
    public ImmutableHashSet<IMethodSymbol> StepMethods { get; }

    public IMethodSymbol? GetVersion { get; }

    /// <summary>
    /// <c>EnqueueAsync</c>/<c>EnqueueManyAsync</c> of the client and its interface: they write at once, unlike the
    /// generated <c>Queue</c>, which records the enqueue when called from workflow code.
    /// </summary>
    public ImmutableHashSet<IMethodSymbol> ClientEnqueueMethods { get; }

    public static CurrantSymbols? TryCreate(Compilation compilation)
    {
        var job = compilation.GetTypeByMetadataName("Currant.JobAttribute");
        var activity = compilation.GetTypeByMetadataName("Currant.ActivityAttribute");
        var workflowAttribute = compilation.GetTypeByMetadataName("Currant.WorkflowAttribute");
        var workflow = compilation.GetTypeByMetadataName("Currant.Workflow");
        if (job is null || activity is null || workflowAttribute is null || workflow is null)
        {
            return null;
        }

        // Currant.Runtime implements these contracts; its own Workflow class is not a user calling Workflow.*.
        return SymbolEqualityComparer.Default.Equals(workflow.ContainingAssembly, compilation.Assembly)
            ? null
            : new CurrantSymbols(compilation, job, activity, workflowAttribute, workflow);
    }

    /// <summary>The Currant attributes on <paramref name="type"/> itself (they are not inherited).</summary>
    public ExecutionKinds KindsOf(INamedTypeSymbol type)
    {
        var definition = type.OriginalDefinition;
        if (!_kinds.TryGetValue(definition, out var kinds))
        {
            kinds = ComputeKinds(definition);
            _kinds.TryAdd(definition, kinds);
        }

        return kinds;
    }

    /// <summary>The kinds of <paramref name="type"/> or of any type containing it.</summary>
    public ExecutionKinds KindsOfSelfOrContainer(INamedTypeSymbol? type)
    {
        var kinds = ExecutionKinds.None;
        for (; type is not null; type = type.ContainingType)
        {
            kinds |= KindsOf(type);
        }

        return kinds;
    }

    public bool IsStep(IMethodSymbol method) => StepMethods.Contains(method.OriginalDefinition);

    public bool IsWorkflowMember(ISymbol symbol) => SymbolEqualityComparer.Default.Equals(symbol.ContainingType, Workflow);

    /// <summary>
    /// Recognises the generator's stubs by shape: a static <c>Run</c> declared on an [Activity] or [Workflow] class, a
    /// static <c>Queue</c>/<c>QueueMany</c> declared on a [Job] or [Workflow] class, or the same names on the type its
    /// static <c>Options(...)</c> returns. <paramref name="owner"/> is the Currant class, when known.
    /// </summary>
    public StubKind GetStubKind(IMethodSymbol method, out INamedTypeSymbol? owner)
    {
        owner = null;
        var (kind, validFor) = method.Name switch
        {
            "Run" => (StubKind.Run, ExecutionKinds.Activity | ExecutionKinds.Workflow),
            "Queue" or "QueueMany" => (StubKind.Queue, ExecutionKinds.Job | ExecutionKinds.Workflow),
            _ => (StubKind.None, ExecutionKinds.None),
        };
        if (kind == StubKind.None || method.ContainingType is not { } containing)
        {
            return StubKind.None;
        }

        ExecutionKinds ownerKinds;
        if (method.IsStatic)
        {
            ownerKinds = KindsOf(containing);
            owner = containing;
        }
        else if (StubTypes(CancellationToken.None).TryGetValue(containing.OriginalDefinition, out owner))
        {
            ownerKinds = owner is null ? validFor : KindsOf(owner);
        }
        else
        {
            return StubKind.None;
        }

        return (ownerKinds & validFor) != 0 ? kind : StubKind.None;
    }

    private ExecutionKinds ComputeKinds(INamedTypeSymbol type)
    {
        var kinds = ExecutionKinds.None;
        foreach (var attribute in type.GetAttributes())
        {
            var attributeClass = attribute.AttributeClass;
            if (SymbolEqualityComparer.Default.Equals(attributeClass, JobAttribute))
            {
                kinds |= ExecutionKinds.Job;
            }
            else if (SymbolEqualityComparer.Default.Equals(attributeClass, ActivityAttribute))
            {
                kinds |= ExecutionKinds.Activity;
            }
            else if (SymbolEqualityComparer.Default.Equals(attributeClass, WorkflowAttribute))
            {
                kinds |= ExecutionKinds.Workflow;
            }
        }

        return kinds;
    }

    /// <summary>Return types of the static <c>Options(...)</c> of Currant classes, mapped to that class (null when shared).</summary>
    private Dictionary<INamedTypeSymbol, INamedTypeSymbol?> StubTypes(CancellationToken cancellationToken)
    {
        lock (_stubTypesGate)
        {
            if (_stubTypes is not null)
            {
                return _stubTypes;
            }

            var map = new Dictionary<INamedTypeSymbol, INamedTypeSymbol?>(SymbolEqualityComparer.Default);
            foreach (var symbol in Compilation.GetSymbolsWithName("Options", SymbolFilter.Member, cancellationToken))
            {
                if (symbol is IMethodSymbol { IsStatic: true, ReturnType: INamedTypeSymbol returned } options
                    && KindsOf(options.ContainingType) != ExecutionKinds.None)
                {
                    var key = returned.OriginalDefinition;
                    map[key] = map.TryGetValue(key, out var existing) && !SymbolEqualityComparer.Default.Equals(existing, options.ContainingType)
                        ? null
                        : options.ContainingType;
                }
            }

            return _stubTypes = map;
        }
    }
}
