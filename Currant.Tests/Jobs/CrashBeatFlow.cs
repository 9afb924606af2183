namespace Currant.Tests.Jobs;

/// <summary>
/// Used by the crash test in a separate worker process: the first attempt heartbeats its progress (1, 2, 3, …) every
/// 100 ms until the test kills its worker; a retry returns where it resumed and which process ran it.
/// </summary>
[Activity(Retries = 3, RetryDelay = 0, HeartbeatTimeout = 1)]
public partial class CrashBeatStep
{
    public async Task<string> ExecuteAsync(int n, CancellationToken ct)
    {
        if (Execution.Attempt == 1)
        {
            for (var i = 1; ; i++)
            {
                Execution.Heartbeat(i);
                await Task.Delay(100, ct);
            }
        }

        return $"attempt {Execution.Attempt} in {Environment.ProcessId} resumed at {Execution.GetHeartbeatDetails<int>()}";
    }
}

/// <summary>Runs one CrashBeatStep.</summary>
[Workflow(Queue = "crash")]
public partial class CrashBeatFlow
{
    public Task<string> RunAsync(int n) => CrashBeatStep.Run(n);
}
