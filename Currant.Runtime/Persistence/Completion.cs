namespace Currant.Persistence;

/// <summary>
/// The outcome of one attempt, written back in a batch. <see cref="State"/> is the row's next state:
/// completed/failed/cancelled end it, pending retries it after <see cref="RetryIn"/> or (released) hands it back.
/// </summary>
internal sealed record Completion(
    Guid Id,
    int Attempt,
    ExecutionState State,
    string? Result,
    string? Error,
    TimeSpan? RetryIn,
    bool Released);
