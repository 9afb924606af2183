using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Currant.Analyzers.Model;

/// <summary>
/// Currant's own types, resolved once per compilation. <see cref="TryCreate"/> returns null when the compilation does
/// not reference Currant.Runtime (or is Currant.Runtime itself), and every analyzer then registers nothing.
/// </summary>
internal sealed class CurrantSymbols
{
    private readonly ConcurrentDictionary<INamedTypeSymbol, ExecutionKinds> _kinds = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, StubKind> _stubKinds = new(SymbolEqualityComparer.Default);

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
        GeneratedStubAttribute = compilation.GetTypeByMetadataName("Currant.GeneratedStubAttribute");
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

    /// <summary>The marker on generated <c>Run</c>/<c>Queue</c> stubs (null with a Currant.Runtime that predates it).</summary>
    public INamedTypeSymbol? GeneratedStubAttribute { get; }

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
    /// Recognises the generator's stubs by the <c>[GeneratedStub]</c> attribute it puts on each <c>Run</c>, <c>Queue</c>
    /// and <c>QueueMany</c> (static, and on the <c>Options(...)</c> stub type).
    /// </summary>
    public StubKind GetStubKind(IMethodSymbol method)
    {
        if (GeneratedStubAttribute is null)
        {
            return StubKind.None;
        }

        var definition = (method.ReducedFrom ?? method).OriginalDefinition;
        if (!_stubKinds.TryGetValue(definition, out var kind))
        {
            kind = StubKind.None;
            foreach (var attribute in definition.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, GeneratedStubAttribute)
                    && attribute.ConstructorArguments.Length == 1)
                {
                    kind = attribute.ConstructorArguments[0].Value switch
                    {
                        1 => StubKind.Run,
                        2 => StubKind.Queue,
                        _ => StubKind.None,
                    };
                }
            }

            _stubKinds.TryAdd(definition, kind);
        }

        return kind;
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
}
