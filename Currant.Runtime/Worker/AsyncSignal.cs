namespace Currant.Worker;

/// <summary>An auto-reset event for async code: many Set calls before a wait collapse into one wake-up.</summary>
/// <remarks>
/// Set is on the hot path (every finished execution may call it), so a flag keeps it to one interlocked operation
/// when already signalled. A Set racing with the waiter's reset is absorbed by the work the waiter does next.
/// </remarks>
internal sealed class AsyncSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private int _signalled;

    public void Set()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _semaphore.Release();
        }
    }

    /// <summary>True when signalled, false when the timeout passed.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signalled = await _semaphore.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        if (signalled)
        {
            Volatile.Write(ref _signalled, 0);
        }

        return signalled;
    }
}
