using Microsoft.Extensions.Logging;

namespace Currant;

/// <summary>All of Currant's log events, source-generated (no boxing, no formatting when disabled).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Currant notification listener failed; reconnecting in {DelayMs} ms")]
    public static partial void ListenerFailed(ILogger logger, Exception exception, double delayMs);

    [LoggerMessage(2, LogLevel.Error, "A Currant notification subscriber failed on channel {Channel}")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(3, LogLevel.Debug, "Waiting for execution {ExecutionId}: the database did not answer; reading again in {DelayMs} ms")]
    public static partial void ResultReadFailed(ILogger logger, Exception exception, Guid executionId, double delayMs);

    [LoggerMessage(10, LogLevel.Information, "Currant worker {WorkerId} started on queues {Queues} with concurrency {Concurrency}")]
    public static partial void WorkerStarted(ILogger logger, Guid workerId, string queues, int concurrency);

    [LoggerMessage(11, LogLevel.Information, "Currant worker {WorkerId} stopped")]
    public static partial void WorkerStopped(ILogger logger, Guid workerId);

    [LoggerMessage(12, LogLevel.Error, "Currant worker {WorkerId} failed to claim; retrying every poll interval (logged again at most every 30 s while it keeps failing)")]
    public static partial void ClaimFailed(ILogger logger, Exception exception, Guid workerId);

    [LoggerMessage(13, LogLevel.Error, "Currant worker {WorkerId} heartbeat failed; claiming paused until it succeeds")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception, Guid workerId);

    [LoggerMessage(14, LogLevel.Error, "Currant worker {WorkerId} failed to write {Count} completions; retrying, the outcomes are kept (logged again at most every 30 s while it keeps failing)")]
    public static partial void CompleteFailed(ILogger logger, Exception exception, Guid workerId, int count);

    [LoggerMessage(15, LogLevel.Warning, "Execution {ExecutionId} ({Name}, attempt {Attempt}) result was rejected: this worker no longer owns it")]
    public static partial void CompletionFenced(ILogger logger, Guid executionId, string name, int attempt);

    [LoggerMessage(16, LogLevel.Warning, "Rescued {Count} executions from workers that stopped sending heartbeats")]
    public static partial void Rescued(ILogger logger, long count);

    [LoggerMessage(17, LogLevel.Error, "Currant rescue pass failed")]
    public static partial void RescueFailed(ILogger logger, Exception exception);

    [LoggerMessage(18, LogLevel.Warning, "Currant worker {WorkerId} handed back {Count} executions it could not finish within the shutdown grace period")]
    public static partial void HandedBack(ILogger logger, Guid workerId, int count);

    [LoggerMessage(19, LogLevel.Error, "Currant worker {WorkerId} has not been able to write outcomes for over {Timeout}; letting its heartbeat lapse so other workers rescue its executions")]
    public static partial void HeartbeatLapsing(ILogger logger, Guid workerId, TimeSpan timeout);

    [LoggerMessage(25, LogLevel.Error, "Currant worker {WorkerId} stopped with {Count} outcomes it could not write; their executions will be rescued by other workers")]
    public static partial void CompletionsAbandoned(ILogger logger, Guid workerId, int count);

    [LoggerMessage(26, LogLevel.Error, "PostgreSQL refused the outcome of execution {ExecutionId} ({Name}, attempt {Attempt}); it is failed with the reason instead")]
    public static partial void CompletionRefused(ILogger logger, Exception exception, Guid executionId, string name, int attempt);

    [LoggerMessage(27, LogLevel.Error, "The runner of execution {ExecutionId} ({Kind} {Name}) failed; the execution is handed back")]
    public static partial void RunnerFailed(ILogger logger, Exception exception, Guid executionId, ExecutionKind kind, string name);

    [LoggerMessage(28, LogLevel.Warning, "Execution {ExecutionId} is running under worker {WorkerId} in the database, but the worker never received it (a claim reply lost in transit); handing it back")]
    public static partial void OrphanReleased(ILogger logger, Guid executionId, Guid workerId);

    [LoggerMessage(20, LogLevel.Debug, "Execution {ExecutionId} ({Kind} {Name} on {Queue}, attempt {Attempt}) started")]
    public static partial void ExecutionStarted(ILogger logger, Guid executionId, ExecutionKind kind, string name, string queue, int attempt);

    [LoggerMessage(21, LogLevel.Debug, "Execution {ExecutionId} ({Kind} {Name} on {Queue}, attempt {Attempt}) completed")]
    public static partial void ExecutionCompleted(ILogger logger, Guid executionId, ExecutionKind kind, string name, string queue, int attempt);

    [LoggerMessage(22, LogLevel.Warning, "Execution {ExecutionId} ({Kind} {Name} on {Queue}, attempt {Attempt}) failed; retrying in {RetryIn}")]
    public static partial void ExecutionRetrying(ILogger logger, Exception exception, Guid executionId, ExecutionKind kind, string name, string queue, int attempt, TimeSpan retryIn);

    [LoggerMessage(23, LogLevel.Error, "Execution {ExecutionId} ({Kind} {Name} on {Queue}, attempt {Attempt}) failed for good")]
    public static partial void ExecutionFailed(ILogger logger, Exception exception, Guid executionId, ExecutionKind kind, string name, string queue, int attempt);

    [LoggerMessage(24, LogLevel.Information, "Execution {ExecutionId} ({Kind} {Name} on {Queue}, attempt {Attempt}) cancelled")]
    public static partial void ExecutionCancelled(ILogger logger, Guid executionId, ExecutionKind kind, string name, string queue, int attempt);

    [LoggerMessage(30, LogLevel.Error, "Workflow {ExecutionId} ({Name}) parked: fix the code and restart a worker, or run 'currant retry'")]
    public static partial void WorkflowParked(ILogger logger, Exception exception, Guid executionId, string name);

    [LoggerMessage(31, LogLevel.Information, "Resumed {Count} parked workflows on queues {Queues}")]
    public static partial void ResumedParked(ILogger logger, long count, string queues);

    [LoggerMessage(32, LogLevel.Warning, "Could not resume parked workflows on queues {Queues} at start-up; the next worker start tries again (currant retry resumes one now)")]
    public static partial void ResumeParkedFailed(ILogger logger, Exception exception, string queues);

    // Operations (issue 13): event ids 1301-1319.
    [LoggerMessage(1301, LogLevel.Warning, "Could not register this worker's jobs and workflows for currant.enqueue() at start-up; SQL callers see their names once a worker registers them")]
    public static partial void RegisterDefinitionsFailed(ILogger logger, Exception exception);

    [LoggerMessage(90, LogLevel.Information, "Execution {ExecutionId} ({Name}, attempt {Attempt}): its heartbeat found it {Beat}; stopping the attempt")]
    public static partial void HeartbeatLost(ILogger logger, Guid executionId, string name, int attempt, Currant.Persistence.ExecutionBeat beat);

    [LoggerMessage(91, LogLevel.Warning, "Execution {ExecutionId} ({Name}): a heartbeat could not be written; the next one tries again")]
    public static partial void HeartbeatWriteFailed(ILogger logger, Exception exception, Guid executionId, string name);

    [LoggerMessage(92, LogLevel.Warning, "Timed out {Count} running attempts that sent no heartbeat within their HeartbeatTimeout")]
    public static partial void HeartbeatsTimedOut(ILogger logger, long count);

    [LoggerMessage(93, LogLevel.Warning, "The heartbeat-timeout sweep failed; the next pass tries again")]
    public static partial void HeartbeatSweepFailed(ILogger logger, Exception exception);

    // Interactive workflows (signals, queries, updates): ids 1201-1209.
    [LoggerMessage(1201, LogLevel.Debug, "Query {QueryId} was not answered by worker {WorkerId}; its caller times out")]
    public static partial void QueryNotAnswered(ILogger logger, Exception exception, Guid queryId, Guid workerId);

    [LoggerMessage(1205, LogLevel.Warning, "A poll-only worker could not look for queries; it tries again on its next poll")]
    public static partial void QueryPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(1302, LogLevel.Information, "Retention deleted {Roots} finished execution(s) past their retention, {Executions} row(s) with their children")]
    public static partial void CleanedUp(ILogger logger, long roots, long executions);

    [LoggerMessage(1303, LogLevel.Warning, "The retention pass failed; the next pass tries again")]
    public static partial void CleanupFailed(ILogger logger, Exception exception);

    [LoggerMessage(1401, LogLevel.Warning, "Currant worker {WorkerId} was handed a row whose notification never arrived; the heartbeat hands it back once it is old enough")]
    public static partial void HandOffMissed(ILogger logger, Guid workerId);

    [LoggerMessage(1402, LogLevel.Debug, "Currant worker {WorkerId} could not advertise or withdraw its hand-off slot")]
    public static partial void HandOffSlotFailed(ILogger logger, Exception exception, Guid workerId);

    [LoggerMessage(1403, LogLevel.Warning, "Currant worker {WorkerId} received hand-off {ExecutionId} after it had stopped waiting for one; it runs when a slot is free")]
    public static partial void HandOffUnexpected(ILogger logger, Guid workerId, Guid executionId);
}
