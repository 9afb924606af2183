using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Currant.Analyzers.Model;

/// <summary>
/// Finds workflow code and what it does wrong. Workflow code is the <c>RunAsync</c> of each [Workflow] class (with its
/// constructors, instance initializers and [Signal]/[Query]/[Update]/[UpdateValidator] handlers), its lambdas and local functions, and every method of this compilation
/// reachable from there through calls, constructors, property accessors, operators and method groups, plus the
/// initializers that run because workflow code creates a type or first uses one (see the Initializers part). The walk is
/// breadth-first from all entry points at once, so each method is visited once (cycles end there) and is reported
/// with its shortest chain to a workflow. It does not enter delegates given to <c>Workflow.Step</c>, members of
/// [Job]/[Activity] classes, or generated code (the generator's stubs call the runtime, which is deterministic by design).
/// <para>
/// A second walk, with the same reach, starts from the delegates given to <c>Workflow.Step</c> in workflow code (a
/// lambda, an anonymous method, a method group or a local function) and reports only <c>Workflow.*</c> and the
/// generated stubs there (CUR3007): a step body is ordinary code, so the determinism rules do not apply to it. A method
/// can be both workflow code and step code; fixes that would write <c>Workflow.*</c> into it are then withheld.
/// </para>
/// </summary>
internal sealed partial class WorkflowCodeWalker
{
    private readonly CurrantSymbols _symbols;
    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<IMethodSymbol, CallNode> _visited = new(SymbolEqualityComparer.Default);
    private readonly Queue<(CallNode Node, IOperation Body)> _pending = new();
    private readonly Dictionary<IMethodSymbol, CallNode> _stepVisited = new(SymbolEqualityComparer.Default);
    private readonly Queue<(CallNode Node, IOperation Body)> _stepPending = new();
    private readonly HashSet<SyntaxNode> _stepBodies = new();
    private readonly Dictionary<SyntaxTree, List<Diagnostic>> _findings = new();
    private readonly List<(DiagnosticDescriptor Descriptor, Location Location, ImmutableDictionary<string, string?> Properties, object[] Arguments, IMethodSymbol Method)> _fixable = new();
    private readonly HashSet<(SyntaxTree Tree, TextSpan Span)> _workflowSites = new();
    private readonly HashSet<(SyntaxTree Tree, TextSpan Span)> _stepSites = new();
    private readonly Dictionary<SyntaxTree, bool> _generatedTrees = new();
    private readonly HashSet<INamedTypeSymbol> _instanceInitialized = new(SymbolEqualityComparer.Default);
    private readonly HashSet<INamedTypeSymbol> _staticInitialized = new(SymbolEqualityComparer.Default);
    private BannedApis? _banned;
    private HashOrder? _hashOrder;

    /// <summary>While walking a lambda given to <c>Workflow.Step</c> in place: its syntax (CUR1011 looks for writes outside it).</summary>
    private SyntaxNode? _stepLambda;

    /// <summary>False while walking workflow code, true while walking step bodies.</summary>
    private bool _inSteps;

    private WorkflowCodeWalker(CurrantSymbols symbols, CancellationToken cancellationToken)
    {
        _symbols = symbols;
        _compilation = symbols.Compilation;
        _cancellationToken = cancellationToken;
    }

    private BannedApis Banned => _banned ??= new BannedApis(_compilation);

    private HashOrder HashOrder => _hashOrder ??= new HashOrder(_compilation);

    private Dictionary<IMethodSymbol, CallNode> Visited => _inSteps ? _stepVisited : _visited;

    private Queue<(CallNode Node, IOperation Body)> Pending => _inSteps ? _stepPending : _pending;

    public static WorkflowCode Walk(CurrantSymbols symbols, CancellationToken cancellationToken)
    {
        var walker = new WorkflowCodeWalker(symbols, cancellationToken);
        walker.AddEntryPoints();
        walker.Drain();

        // Every step body of workflow code is known now: walk them as one more breadth-first graph.
        walker._inSteps = true;
        walker.Drain();
        walker.AddFixableFindings(cancellationToken);
        return new WorkflowCode(walker._findings, walker._workflowSites, walker._stepSites);
    }

    private void Drain()
    {
        while (Pending.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var (node, body) = Pending.Dequeue();
            Visit(node, body);
        }
    }

    private void AddEntryPoints()
    {
        var workflows = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var symbol in _compilation.GetSymbolsWithName("RunAsync", SymbolFilter.Member, _cancellationToken))
        {
            if (symbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method
                && (_symbols.KindsOf(method.ContainingType) & ExecutionKinds.Workflow) != 0)
            {
                AddMethod(method, "'" + DisplayNames.EntryMethod(method) + "'", caller: null);
                workflows.Add(method.ContainingType);
            }
        }

        // Signal, query and update handlers and update validators run on the workflow's scheduler: workflow code too.
        var handlerShapes = new Currant.Shapes.HandlerShapes(_compilation);
        foreach (var workflow in workflows)
        {
            foreach (var (handler, _, _) in handlerShapes.HandlersOf(workflow))
            {
                AddMethod(handler, "'" + DisplayNames.Member(handler) + "'", caller: null);
            }
        }

        foreach (var workflow in workflows)
        {
            foreach (var constructor in workflow.InstanceConstructors)
            {
                if (!constructor.IsImplicitlyDeclared)
                {
                    AddMethod(constructor, "'" + DisplayNames.Member(constructor) + "'", caller: null);
                }
            }

            _instanceInitialized.Add(workflow);
            foreach (var member in workflow.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } or IPropertySymbol { IsStatic: false })
                {
                    AddInitializer(member, caller: null, link: "", fixable: true);
                }
            }

            // The worker creates the workflow, which runs its static initializers (once per process).
            InitializeStatics(workflow, caller: null);
        }
    }

    private void Follow(IMethodSymbol? method, CallNode caller)
    {
        if (method is null)
        {
            return;
        }

        var target = (method.ReducedFrom ?? method).OriginalDefinition;
        target = target.PartialImplementationPart ?? target;
        if (target.MethodKind is MethodKind.AnonymousFunction or MethodKind.DelegateInvoke
            || target.IsAbstract
            || target.IsExtern
            || target.DeclaringSyntaxReferences.IsEmpty
            || !SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, _compilation.Assembly)
            || (_symbols.KindsOfSelfOrContainer(target.ContainingType) & (ExecutionKinds.Job | ExecutionKinds.Activity)) != 0
            || Visited.ContainsKey(target))
        {
            return;
        }

        foreach (var reference in target.DeclaringSyntaxReferences)
        {
            if (IsGenerated(reference.SyntaxTree))
            {
                return;
            }
        }

        AddMethod(target, "'" + DisplayNames.Member(target) + "'", caller);
    }

    private void AddMethod(IMethodSymbol method, string display, CallNode? caller)
    {
        if (Visited.ContainsKey(method))
        {
            return;
        }

        var node = new CallNode(display, caller, method, staticInitializer: caller?.InStaticInitializer ?? false);
        Visited.Add(method, node);
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (Operation(reference.GetSyntax(_cancellationToken)) is { } body)
            {
                Pending.Enqueue((node, body));
                return;
            }
        }
    }

    private IOperation? Operation(SyntaxNode syntax)
    {
#pragma warning disable RS1030 // The walk must read callees in other files. The analyzer driver shares one cached semantic model per tree, so this binds nothing twice.
        var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
        return model.GetOperation(syntax, _cancellationToken);
    }

    private void Visit(CallNode node, IOperation body)
    {
        _stepLambda = _inSteps && node.Method is null ? StepLambda(body) : null;
        var stack = new Stack<IOperation>();
        stack.Push(body);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            if ((operation is ILocalFunctionOperation && !ReferenceEquals(operation, body))
                || operation is INameOfOperation or ITypeOfOperation)
            {
                // A nested local function is workflow code only if something here calls it (see Follow).
                continue;
            }

            Inspect(operation, node);
            if (operation is IInvocationOperation invocation && _symbols.IsStep(invocation.TargetMethod))
            {
                // The step's delegate runs once and is recorded: it is not workflow code, but step code, walked
                // afterwards (a step nested in a step body is reported, and its own body is walked as a step too).
                // Its name is ordinary code of the caller.
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter?.Type.TypeKind != TypeKind.Delegate)
                    {
                        stack.Push(argument);
                    }
                    else if (_stepBodies.Add(argument.Syntax))
                    {
                        // A lambda is walked in place; a method group or local function is followed from there.
                        _stepPending.Enqueue((new CallNode(DisplayNames.Step(invocation), caller: null), argument.Value));
                    }
                }

                continue;
            }

            foreach (var child in operation.ChildOperations)
            {
                stack.Push(child);
            }
        }
    }

    private void Inspect(IOperation operation, CallNode node)
    {
        if (_inSteps)
        {
            InspectStepWrite(operation, node);
        }
        else
        {
            InspectOrder(operation, node);
        }

        switch (operation)
        {
            case IInvocationOperation invocation:
                InspectMember(invocation.TargetMethod, operation, node);
                if (!_inSteps)
                {
                    InspectInvocation(invocation, node);
                    InspectStaticUse(invocation.TargetMethod, node);
                }

                Follow(invocation.TargetMethod, node);
                break;
            case IObjectCreationOperation { Constructor: { } constructor }:
                InspectMember(constructor, operation, node);
                if (!_inSteps)
                {
                    InitializeInstance(constructor.ContainingType, node);
                    InitializeStatics(constructor.ContainingType, node);
                }

                Follow(constructor, node);
                break;
            case IPropertyReferenceOperation propertyReference:
                InspectMember(propertyReference.Property, operation, node);
                if (!_inSteps)
                {
                    InspectStaticState(propertyReference.Property, operation, node);
                    InspectStaticUse(propertyReference.Property, node);
                }

                FollowAccessors(propertyReference, node);
                break;
            case IFieldReferenceOperation fieldReference when !_inSteps:
                InspectMember(fieldReference.Field, operation, node);
                InspectStaticState(fieldReference.Field, operation, node);
                if (!fieldReference.Field.IsConst)
                {
                    InspectStaticUse(fieldReference.Field, node);
                }

                break;
            case IArrayElementReferenceOperation element when !_inSteps && IsWrite(element):
                InspectSharedWrite(element.ArrayReference, node);
                break;
            case IEventReferenceOperation eventReference when !_inSteps:
                InspectMember(eventReference.Event, operation, node);
                break;
            case IMethodReferenceOperation methodReference:
                InspectMember(methodReference.Method, operation, node);
                if (!_inSteps)
                {
                    InspectStaticUse(methodReference.Method, node);
                }

                Follow(methodReference.Method, node);
                break;
            case IUnaryOperation { OperatorMethod: { } unary }:
                Follow(unary, node);
                break;
            case IBinaryOperation { OperatorMethod: { } binary }:
                Follow(binary, node);
                break;
            case IConversionOperation { OperatorMethod: { } conversion }:
                Follow(conversion, node);
                break;
            case ICompoundAssignmentOperation { OperatorMethod: { } compound }:
                Follow(compound, node);
                break;
            case IIncrementOrDecrementOperation { OperatorMethod: { } increment }:
                Follow(increment, node);
                break;
        }
    }

    /// <summary>A static member of a type of this compilation runs that type's static initializers on first use.</summary>
    private void InspectStaticUse(ISymbol member, CallNode node)
    {
        if (member.IsStatic)
        {
            InitializeStatics(member.ContainingType, node);
        }
    }

    /// <summary>CUR1010: a foreach, spread or order-sensitive call over a collection that enumerates in hash order.</summary>
    private void InspectOrder(IOperation operation, CallNode node)
    {
        if (operation is not (IForEachLoopOperation or ISpreadOperation or IInvocationOperation or IObjectCreationOperation)
            || HashOrder.ConsumedBy(operation) is not { } collection)
        {
            return;
        }

        var (what, syntax) = operation switch
        {
            IForEachLoopOperation loop => ("foreach", loop.Collection.Syntax),
            ISpreadOperation spread => ("..", spread.Syntax),
            IInvocationOperation invocation => (DisplayNames.Member(invocation.TargetMethod), invocation.Syntax),
            _ => (DisplayNames.Member(((IObjectCreationOperation)operation).Constructor!), operation.Syntax),
        };
        AddFinding(Diagnostic.Create(DiagnosticDescriptors.HashOrder, DiagnosticLocations.For(syntax), what, node.Where, DisplayNames.ConstructedType(collection)));
    }

    private void InspectMember(ISymbol symbol, IOperation operation, CallNode node)
    {
        var stub = symbol is IMethodSymbol method ? _symbols.GetStubKind(method) : StubKind.None;
        if (_inSteps)
        {
            // Step bodies are ordinary code: only what needs the workflow is wrong there.
            if ((_symbols.IsWorkflowMember(symbol) || stub != StubKind.None)
                && _stepSites.Add((operation.Syntax.SyntaxTree, operation.Syntax.Span)))
            {
                AddFinding(Diagnostic.Create(
                    DiagnosticDescriptors.WorkflowApiInStep, DiagnosticLocations.For(operation.Syntax), DisplayNames.Member(symbol), node.Where));
            }

            return;
        }

        if (_symbols.IsWorkflowMember(symbol) || stub == StubKind.Run)
        {
            _workflowSites.Add((operation.Syntax.SyntaxTree, operation.Syntax.Span));
            return;
        }

        if (Banned.Find(symbol) is not { } banned || ReceiverIsBanned(operation, banned)
            || (banned.Kind == NondeterminismKind.Culture && Banned.IsInvariantDateFormat(operation)))
        {
            return;
        }

        // Code that runs once per process (static initializers) matters for the values it computes, not for the
        // clients it creates: 'static readonly HttpClient Http = new()' does no I/O.
        if (node.InStaticInitializer && operation is IObjectCreationOperation
            && banned.Kind is not (NondeterminismKind.WallClock or NondeterminismKind.Randomness or NondeterminismKind.MachineFacts or NondeterminismKind.Culture))
        {
            return;
        }

        var properties = banned.Fix is null
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(FixKinds.Property, banned.Fix);
        var display = DisplayNames.Member(symbol);
        switch (banned.Kind)
        {
            case NondeterminismKind.WallClock:
                Report(DiagnosticDescriptors.WallClock, operation, node, properties, display, node.Where);
                break;
            case NondeterminismKind.Randomness:
                Report(DiagnosticDescriptors.Randomness, operation, node, properties, display, node.Where);
                break;
            case NondeterminismKind.RealTimeWait:
                Report(DiagnosticDescriptors.RealTimeWait, operation, node, properties, display, node.Where);
                break;
            case NondeterminismKind.Threading:
                Report(DiagnosticDescriptors.Threading, operation, node, properties, display, node.Where);
                break;
            case NondeterminismKind.BlockingWait:
                Report(DiagnosticDescriptors.BlockingWait, operation, node, properties, display, node.Where);
                break;
            case NondeterminismKind.Culture:
                Report(DiagnosticDescriptors.Culture, operation, node, properties, display, node.Where);
                break;
            default:
                Report(DiagnosticDescriptors.OutsideWorld, operation, node, properties, display, node.Where, OutsideWorldPhrase(banned.Kind));
                break;
        }
    }

    private void InspectInvocation(IInvocationOperation invocation, CallNode node)
    {
        var method = invocation.TargetMethod;
        if (method.Name == "ConfigureAwait"
            && Banned.IsConfigureAwaitFalse(method, LastArgument(invocation), out var fixable))
        {
            var properties = fixable
                ? ImmutableDictionary<string, string?>.Empty.Add(FixKinds.Property, FixKinds.RemoveConfigureAwait)
                : ImmutableDictionary<string, string?>.Empty;
            AddFinding(Diagnostic.Create(
                DiagnosticDescriptors.ConfigureAwaitFalse,
                DiagnosticLocations.ForConfigureAwait(invocation.Syntax),
                properties,
                fixable ? "ConfigureAwait(false)" : "ConfigureAwait(" + LastArgument(invocation)!.Syntax + ")",
                node.Where));
            return;
        }

        if (Banned.IsMutator(method))
        {
            InspectSharedWrite(HashOrder.Receiver(invocation), node);
        }

        // The generated Queue/QueueMany record the enqueue in workflow code; the client's own methods do not.
        if (_symbols.ClientEnqueueMethods.Contains(method.OriginalDefinition))
        {
            var properties = invocation.Parent is IAwaitOperation
                ? ImmutableDictionary<string, string?>.Empty.Add(FixKinds.Property, FixKinds.RecordEnqueue).Add(FixKinds.StepNameProperty, method.Name)
                : ImmutableDictionary<string, string?>.Empty;
            Report(DiagnosticDescriptors.QueueInWorkflow, invocation, node, properties, DisplayNames.Member(method), node.Where);
        }
    }

    private void FollowAccessors(IPropertyReferenceOperation reference, CallNode node)
    {
        var write = IsWrite(reference);
        var readToo = reference.Parent is ICompoundAssignmentOperation or ICoalesceAssignmentOperation or IIncrementOrDecrementOperation;
        if (!write || readToo)
        {
            Follow(reference.Property.GetMethod, node);
        }

        if (write)
        {
            Follow(reference.Property.SetMethod, node);
        }
    }

    /// <summary>One diagnostic per chain: <c>Stopwatch.StartNew().Elapsed</c> is reported once, at <c>StartNew()</c>.</summary>
    private bool ReceiverIsBanned(IOperation operation, BannedApi banned)
    {
        var receiver = operation switch
        {
            IInvocationOperation invocation => invocation.Instance,
            IPropertyReferenceOperation property => property.Instance,
            IFieldReferenceOperation field => field.Instance,
            _ => null,
        };
        while (receiver is IConversionOperation conversion)
        {
            receiver = conversion.Operand;
        }

        ISymbol? receiverSymbol = receiver switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IPropertyReferenceOperation property => property.Property,
            IObjectCreationOperation { Constructor: { } constructor } => constructor,
            _ => null,
        };
        return receiverSymbol is not null && Banned.Find(receiverSymbol)?.Kind == banned.Kind;
    }

    private static bool IsWrite(IOperation operation) => operation.Parent switch
    {
        IAssignmentOperation assignment => ReferenceEquals(assignment.Target, operation),
        IIncrementOrDecrementOperation increment => ReferenceEquals(increment.Target, operation),
        _ => false,
    };

    private static IOperation? LastArgument(IInvocationOperation invocation)
    {
        var last = invocation.TargetMethod.Parameters.Length - 1;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == last)
            {
                return argument.Value;
            }
        }

        return null;
    }

    private static string OutsideWorldPhrase(NondeterminismKind kind) => kind switch
    {
        NondeterminismKind.FileSystem => "the file system",
        NondeterminismKind.Network => "the network",
        NondeterminismKind.Database => "a database",
        NondeterminismKind.MachineFacts => "the machine's environment",
        NondeterminismKind.ConsoleInput => "console input",
        NondeterminismKind.InterProcess => "another process (a pipe or shared memory)",
        _ => "starting a process",
    };

    private void Report(DiagnosticDescriptor descriptor, IOperation operation, CallNode node, ImmutableDictionary<string, string?> properties, params object[] arguments)
    {
        var location = DiagnosticLocations.For(operation.Syntax);
        if (!node.Fixable)
        {
            properties = properties.Remove(FixKinds.Property).Remove(FixKinds.StepNameProperty);
        }

        if (node.Method is { } method && properties.ContainsKey(FixKinds.Property))
        {
            // Whether a step body reaches this method too is known only after the step walk (see AddFixableFindings).
            _fixable.Add((descriptor, location, properties, arguments, method));
            return;
        }

        AddFinding(Diagnostic.Create(descriptor, location, properties, arguments));
    }

    private void AddFinding(Diagnostic diagnostic)
    {
        var tree = diagnostic.Location.SourceTree!;
        if (IsGenerated(tree))
        {
            return;
        }

        if (!_findings.TryGetValue(tree, out var list))
        {
            _findings[tree] = list = new List<Diagnostic>();
        }

        list.Add(diagnostic);
    }

    private bool IsGenerated(SyntaxTree tree)
    {
        if (!_generatedTrees.TryGetValue(tree, out var generated))
        {
            _generatedTrees[tree] = generated = GeneratedCode.IsGenerated(tree);
        }

        return generated;
    }
}
