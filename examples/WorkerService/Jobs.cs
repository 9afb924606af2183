using Currant;

namespace WorkerService;

public sealed record Report(string Name, int Rows, DateTimeOffset GeneratedAt);

/// <summary>Where reports come from; registered in the host's container, injected into the job.</summary>
public interface IReportSource
{
    Task<int> CountRowsAsync(string name, CancellationToken ct);
}

public sealed class RandomReportSource : IReportSource
{
    public async Task<int> CountRowsAsync(string name, CancellationToken ct)
    {
        // Stands in for a slow query: long enough to see a graceful shutdown wait for it.
        await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        return name.Length * 100 + Random.Shared.Next(100);
    }
}

[Job(Queue = "reports", Retries = 3, Timeout = 300)]
public partial class GenerateReport(IReportSource source, TimeProvider clock, ILogger<GenerateReport> logger)
{
    public async Task<Report> ExecuteAsync(string name, CancellationToken ct)
    {
        var rows = await source.CountRowsAsync(name, ct);
        logger.LogInformation("Report {Report} has {Rows} rows", name, rows);
        return new Report(name, rows, clock.GetUtcNow());
    }
}

[Job(Queue = "emails", Retries = 5)]
public partial class SendDigest(ILogger<SendDigest> logger)
{
    public Task ExecuteAsync(string to, string subject, CancellationToken ct)
    {
        logger.LogInformation("Digest '{Subject}' sent to {To}", subject, to);
        return Task.CompletedTask;
    }
}
