using Currant;

namespace QuickStart;

public sealed record EmailReceipt(string To, string MessageId);

public interface IEmailSender
{
    Task<EmailReceipt> SendAsync(string to, string subject, string body, CancellationToken ct);
}

public sealed class ConsoleEmailSender : IEmailSender
{
    public Task<EmailReceipt> SendAsync(string to, string subject, string body, CancellationToken ct)
    {
        Console.WriteLine($"  [email] to={to} subject=\"{subject}\"");
        return Task.FromResult(new EmailReceipt(to, $"msg-{Math.Abs(HashCode.Combine(to, subject)) % 100000:D5}"));
    }
}

/// <summary>A Celery-style job: queued from anywhere, run by any worker, dependencies from DI.</summary>
[Job(Queue = "emails", Retries = 3)]
public partial class SendEmail(IEmailSender sender)
{
    public Task<EmailReceipt> ExecuteAsync(string to, string subject, string body, CancellationToken ct)
        => sender.SendAsync(to, subject, body, ct);
}

/// <summary>Fails on its first attempt to show retries with backoff.</summary>
[Job(Queue = "emails", Retries = 3)]
public partial class ResizeImage
{
    private static int _attempts;

    public Task<string> ExecuteAsync(string path, int width, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _attempts) == 1)
        {
            throw new IOException("storage hiccup (first attempt fails on purpose)");
        }

        return Task.FromResult($"{Path.GetFileNameWithoutExtension(path)}-{width}w.png");
    }
}
