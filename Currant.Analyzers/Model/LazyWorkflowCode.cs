using System.Threading;

namespace Currant.Analyzers.Model;

/// <summary>
/// Computes <see cref="WorkflowCode"/> at most once per compilation, on first use. Unlike <c>Lazy&lt;T&gt;</c> it
/// does not cache a cancellation: the IDE cancels analyses often, and the next request must compute afresh.
/// </summary>
internal sealed class LazyWorkflowCode
{
    private readonly CurrantSymbols _symbols;
    private readonly object _gate = new();
    private WorkflowCode? _value;

    public LazyWorkflowCode(CurrantSymbols symbols) => _symbols = symbols;

    public WorkflowCode Get(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _value ??= WorkflowCodeWalker.Walk(_symbols, cancellationToken);
        }
    }
}
