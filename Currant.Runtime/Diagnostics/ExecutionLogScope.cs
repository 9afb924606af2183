using System.Collections;

namespace Currant;

/// <summary>
/// The log scope of one attempt: structured properties for every line logged while it runs, the user's own
/// <c>ILogger&lt;T&gt;</c> lines included when they come from the same logger factory.
/// </summary>
internal sealed class ExecutionLogScope(Guid executionId, string name, string kind, int attempt, string queue) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 5;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("ExecutionId", executionId),
        1 => new("ExecutionName", name),
        2 => new("ExecutionKind", kind),
        3 => new("Attempt", attempt),
        4 => new("Queue", queue),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"Execution {executionId} ({kind} {name} on {queue}, attempt {attempt})";
}
