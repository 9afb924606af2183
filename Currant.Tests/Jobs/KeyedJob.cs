namespace Currant.Tests.Jobs;

/// <summary>
/// At most one at a time per <c>userId</c>, across all workers. Records its body in <c>overlap_log</c> under
/// "<c>run</c>:<c>userId</c>" (see <see cref="OverlapJob"/>), so a test can count what ran at once per user.
/// </summary>
[Job(Queue = "keyed", ConcurrencyKey = "userId", MaxConcurrency = 1)]
public partial class KeyedJob
{
    public Task ExecuteAsync(string userId, string run, int millis, CancellationToken ct)
        => new OverlapJob().ExecuteAsync($"{run}:{userId}", millis, ct);
}
