using Currant;

namespace Schedules;

/// <summary>A job with arguments: scheduled per user at run time with the generated SendDigest.Schedule(name, cron, email).</summary>
[Job(Queue = "reports")]
public partial class SendDigest
{
    private static int _sent;

    public static int Sent => Volatile.Read(ref _sent);

    public Task ExecuteAsync(string email, CancellationToken ct)
    {
        Console.WriteLine($"  [digest] sent to {email}");
        Interlocked.Increment(ref _sent);
        return Task.CompletedTask;
    }
}
