namespace Currant.Persistence;

/// <summary>
/// What one claim brought back: the rows now held for an attempt each, and how long until the next row of the
/// queues that is not due yet will be (null when none waits), measured by the database's clock.
/// </summary>
internal readonly record struct ClaimResult(List<ClaimedExecution> Rows, TimeSpan? NextDue);
