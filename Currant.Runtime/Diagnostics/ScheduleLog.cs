using Microsoft.Extensions.Logging;

namespace Currant;

/// <summary>The scheduler's log events (ids 1300-1319, apart from <see cref="Log"/>'s so branches never collide).</summary>
internal static partial class ScheduleLog
{
    [LoggerMessage(1330, LogLevel.Information, "Schedules on queues {Queues}: {Count} from [Schedule] attributes created or updated")]
    public static partial void Declared(ILogger logger, string queues, int count);

    [LoggerMessage(1331, LogLevel.Information, "Schedule {Name} deleted: its [Schedule] attribute is gone from the code of queue {Queues}")]
    public static partial void Undeclared(ILogger logger, string name, string queues);

    [LoggerMessage(1332, LogLevel.Debug, "Schedules fired: {Schedules} due, {Runs} runs enqueued")]
    public static partial void Fired(ILogger logger, int schedules, int runs);

    [LoggerMessage(1333, LogLevel.Error, "Scheduler pass failed on queues {Queues}; trying again at the next poll")]
    public static partial void PassFailed(ILogger logger, Exception exception, string queues);

    [LoggerMessage(1334, LogLevel.Error, "Schedule {Name} cannot fire: {Reason}. Fix it with X.Schedule(...) or delete it ('currant schedules delete {Name}')")]
    public static partial void Unfireable(ILogger logger, string name, string reason);

    [LoggerMessage(1335, LogLevel.Debug, "Schedule {Name}: {Dropped} fire times dropped by its overlap or catch-up policy")]
    public static partial void Dropped(ILogger logger, string name, int dropped);

    [LoggerMessage(1336, LogLevel.Warning, "Schedules from [Schedule] attributes on queues {Queues} could not be stored at start-up (the database is unreachable); the scheduler stores them once it is back")]
    public static partial void DeclareDeferred(ILogger logger, Exception exception, string queues);
}
