using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Currant.Analyzers.Model;

/// <summary>
/// Static state reached from workflow code: mutable statics and changes through static readonly ones (CUR1008), and
/// loggers held in static state (CUR3008).
/// </summary>
internal sealed partial class WorkflowCodeWalker
{
    private void InspectStaticState(ISymbol symbol, IOperation operation, CallNode node)
    {
        var write = IsWrite(operation);
        if (write && operation switch
            {
                IFieldReferenceOperation field => field.Instance,
                IPropertyReferenceOperation property => property.Instance,
                _ => null,
            } is { } instance)
        {
            // 'Settings.Current.Timeout = 5', 'Cache[key] = value': a write into an object static state holds.
            InspectSharedWrite(instance, node);
        }

        if (!IsOwnHandWrittenStatic(symbol) || node.InStaticInitializer)
        {
            return;
        }

        var type = symbol switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };
        if (!write && type is not null && Banned.IsLogger(type))
        {
            var properties = Banned.IsLoggerInterface(type) && IsLoggerUse(operation)
                ? ImmutableDictionary<string, string?>.Empty.Add(FixKinds.Property, FixKinds.Logger)
                : ImmutableDictionary<string, string?>.Empty;
            Report(DiagnosticDescriptors.StaticLogger, operation, node, properties, DisplayNames.Member(symbol), node.Where);
            return;
        }

        var mutable = symbol switch
        {
            IFieldSymbol field => !field.IsReadOnly,
            IPropertySymbol property => property.SetMethod is not null,
            _ => false,
        };
        if (mutable)
        {
            Report(DiagnosticDescriptors.SharedState, operation, node, ImmutableDictionary<string, string?>.Empty, DisplayNames.Member(symbol), node.Where, write ? "writing" : "reading");
        }
    }

    /// <summary>
    /// CUR1008 for a change made through <paramref name="receiver"/> (a collection's Add, an indexer or member write, an
    /// array element) when it is a static readonly field or get-only static property of this compilation: the object it
    /// holds is shared by every workflow on the worker. Mutable statics are reported where they are read.
    /// </summary>
    private void InspectSharedWrite(IOperation? receiver, CallNode node)
    {
        while (receiver is IConversionOperation conversion)
        {
            receiver = conversion.Operand;
        }

        ISymbol? holder = receiver switch
        {
            IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: true } field } => field,
            IPropertyReferenceOperation { Property: { IsStatic: true, SetMethod: null } property } => property,
            _ => null,
        };
        if (holder is not null && !node.InStaticInitializer && IsOwnHandWrittenStatic(holder))
        {
            Report(DiagnosticDescriptors.SharedState, receiver!, node, ImmutableDictionary<string, string?>.Empty, DisplayNames.Member(holder), node.Where, "changing");
        }
    }

    /// <summary>A static, non-constant field or a static property declared by hand in this compilation.</summary>
    private bool IsOwnHandWrittenStatic(ISymbol symbol)
    {
        var candidate = symbol switch
        {
            IFieldSymbol field => field is { IsStatic: true, IsConst: false, IsImplicitlyDeclared: false },
            IPropertySymbol property => property.IsStatic,
            _ => false,
        };
        if (!candidate || !SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, _compilation.Assembly))
        {
            return false;
        }

        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (!IsGenerated(reference.SyntaxTree))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The logger is the receiver of a call, or an argument where an ILogger is expected: 'Workflow.Logger' fits there.</summary>
    private bool IsLoggerUse(IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation conversion)
        {
            operation = conversion;
            parent = conversion.Parent;
        }

        return parent switch
        {
            IInvocationOperation invocation => ReferenceEquals(invocation.Instance, operation) && Banned.IsPlainLogger(invocation.TargetMethod.ContainingType),
            IArgumentOperation { Parameter.Type: { } expected } => Banned.IsPlainLogger(expected),
            _ => false,
        };
    }
}
