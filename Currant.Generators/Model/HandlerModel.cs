using Currant.Shapes;

namespace Currant.Generators.Model;

/// <summary>One [Signal], [Query] or [Update] method of a workflow.</summary>
/// <param name="Kind">Signal, query or update (never a validator).</param>
/// <param name="Name">The name callers use (attribute Name, else the method name).</param>
/// <param name="MethodName">The method as C# source.</param>
/// <param name="Returns">What the method returns.</param>
/// <param name="ResultType">The fully qualified result type, or null without one.</param>
/// <param name="Parameters">The parameters, in order.</param>
/// <param name="Validator">The validator method as C# source, or null.</param>
internal sealed record HandlerModel(
    HandlerKind Kind,
    string Name,
    string MethodName,
    HandlerReturn Returns,
    string? ResultType,
    EquatableArray<ParameterModel> Parameters,
    string? Validator)
{
    public bool HasResult => ResultType is not null;
}
