namespace WorkerService;

/// <summary>
/// Queues a few reports when the service starts (Demo:ReportsOnStart), so a first run shows the worker at work.
/// A real service would leave enqueueing to the applications that own the work.
/// </summary>
public sealed class DemoProducer(IConfiguration configuration, ILogger<DemoProducer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = configuration.GetValue("Demo:ReportsOnStart", 0);
        if (count <= 0)
        {
            return;
        }

        var handles = await GenerateReport.QueueMany(Enumerable.Range(1, count).Select(i => $"sales-{i}"));
        foreach (var handle in handles)
        {
            var report = await handle.GetResultAsync(cancellationToken: stoppingToken);
            logger.LogInformation("Report {Report} ready: {Rows} rows", report.Name, report.Rows);
        }

        await SendDigest.Queue("team@example.com", $"{count} reports ready");
        logger.LogInformation("{Count} reports ready; the worker keeps serving its queues until stopped", count);
    }
}
