namespace Currant.Persistence;

/// <summary>One worker process on the dashboard's overview, with how long ago it last heartbeated.</summary>
internal sealed record WorkerSummary(Guid Id, string Hostname, int Pid, string[] Queues, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, TimeSpan SinceHeartbeat, long Running);
