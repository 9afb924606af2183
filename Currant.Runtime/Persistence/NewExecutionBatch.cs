namespace Currant.Persistence;

/// <summary>
/// The rows of one <c>QueueMany</c> call: one definition and one set of options, so they differ only in id,
/// arguments and idempotency key.
/// </summary>
internal sealed record NewExecutionBatch
{
    /// <summary>What every row shares; its <see cref="NewExecution.Id"/>, arguments and key are not used.</summary>
    public required NewExecution Common { get; init; }

    public required IReadOnlyList<Guid> Ids { get; init; }

    /// <summary>One UTF-8 JSON argument array per row, in the order of <see cref="Ids"/>.</summary>
    public required IReadOnlyList<byte[]> Arguments { get; init; }

    /// <summary>One key per row, or null when the call gave none.</summary>
    public IReadOnlyList<string>? IdempotencyKeys { get; init; }

    public int Count => Ids.Count;
}
