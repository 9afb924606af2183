using Currant.Shapes;

namespace Currant.Generators.Model;

/// <summary>The user's entry method (<c>ExecuteAsync</c> or <c>RunAsync</c>).</summary>
/// <param name="Name">The method name.</param>
/// <param name="ReturnKind">The awaitable it returns.</param>
/// <param name="ResultType">The fully qualified result type for Task&lt;T&gt;/ValueTask&lt;T&gt;; null otherwise.</param>
/// <param name="Parameters">The serialized parameters, in order, without the trailing CancellationToken.</param>
/// <param name="TakesCancellationToken">True when the method ends with a CancellationToken parameter.</param>
/// <param name="ObsoleteWarnings">Warning IDs a call raises when the method is [Obsolete]; sorted, usually empty.</param>
internal sealed record MethodModel(
    string Name,
    ReturnKind ReturnKind,
    string? ResultType,
    EquatableArray<ParameterModel> Parameters,
    bool TakesCancellationToken,
    EquatableArray<string> ObsoleteWarnings)
{
    public bool HasResult => ResultType is not null;
}
