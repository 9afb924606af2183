using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Currant.Analyzers.Model;

/// <summary>How symbols are named in messages (display only: symbols are never compared by their text).</summary>
internal static class DisplayNames
{
    private static readonly SymbolDisplayFormat TypeFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.None,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    private static readonly SymbolDisplayFormat MemberFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.None,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    private static readonly SymbolDisplayFormat ConstructedTypeFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    /// <summary><c>Outer.Inner</c>, without namespace or type arguments.</summary>
    public static string Type(ITypeSymbol type) => type.ToDisplayString(TypeFormat);

    /// <summary><c>ImmutableHashSet&lt;string&gt;</c>: with type arguments, where they are the point of the message.</summary>
    public static string ConstructedType(ITypeSymbol type) => type.ToDisplayString(ConstructedTypeFormat);

    /// <summary>
    /// <c>Clock.Stamp()</c> for methods, <c>new Random()</c> for constructors, <c>DateTime.Now</c> for properties and fields,
    /// <c>Local()</c> for local functions.
    /// </summary>
    public static string Member(ISymbol symbol)
    {
        if (symbol is IMethodSymbol method)
        {
            switch (method.MethodKind)
            {
                case MethodKind.Constructor:
                    return "new " + Type(method.ContainingType) + "()";
                case MethodKind.PropertyGet:
                case MethodKind.PropertySet:
                    return method.AssociatedSymbol is { } property ? property.ToDisplayString(MemberFormat) : method.ToDisplayString(MemberFormat);
                case MethodKind.LocalFunction:
                    return method.Name + "()";
                case MethodKind.Ordinary:
                case MethodKind.ReducedExtension:
                    var definition = method.ReducedFrom ?? method;
                    return definition.ToDisplayString(MemberFormat) + "()";
                default:
                    return method.ToDisplayString(MemberFormat);
            }
        }

        return symbol.ToDisplayString(MemberFormat);
    }

    /// <summary>The entry method as the issue names it: <c>ProcessOrder.RunAsync</c>.</summary>
    public static string EntryMethod(IMethodSymbol method) => method.ToDisplayString(MemberFormat);

    /// <summary>
    /// A <c>Workflow.Step</c> call as messages name its body: <c>step 'charge'</c> when the name is a constant,
    /// otherwise <c>a 'Workflow.Step' body</c>.
    /// </summary>
    public static string Step(IInvocationOperation step)
    {
        foreach (var argument in step.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0 && argument.Value.ConstantValue is { HasValue: true, Value: string name })
            {
                return "step '" + name + "'";
            }
        }

        return "a 'Workflow.Step' body";
    }

    /// <summary>The attribute name users write: <c>Job</c>, <c>Activity</c> or <c>Workflow</c>.</summary>
    public static string Kind(ExecutionKinds kind) => kind switch
    {
        ExecutionKinds.Job => "Job",
        ExecutionKinds.Activity => "Activity",
        _ => "Workflow",
    };
}
