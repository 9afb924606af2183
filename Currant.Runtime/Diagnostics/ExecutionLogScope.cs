using System.Collections;

namespace Currant;

/// <summary>
/// The log scope of one attempt: structured properties for every line logged while it runs, the user's own
/// <c>ILogger&lt;T&gt;</c> lines included when they come from the same logger factory. A workflow's also carries
/// its activation (its attempt stays 1 across activations until it is retried).
/// </summary>
internal sealed class ExecutionLogScope(Guid executionId, string name, string kind, int attempt, string queue, int? activation = null)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => activation is null ? 5 : 6;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("ExecutionId", executionId),
        1 => new("ExecutionName", name),
        2 => new("ExecutionKind", kind),
        3 => new("Attempt", attempt),
        4 => new("Queue", queue),
        5 when activation is { } a => new("Activation", a),
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

    public override string ToString() => activation is { } a
        ? $"Execution {executionId} ({kind} {name} on {queue}, attempt {attempt}, activation {a})"
        : $"Execution {executionId} ({kind} {name} on {queue}, attempt {attempt})";
}
