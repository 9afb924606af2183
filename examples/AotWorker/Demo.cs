namespace AotWorker;

/// <summary>
/// Runs a job and a workflow through this service's own worker when it starts and logs their results. With
/// <c>--AotWorker:StopAfterDemo=true</c> the service then stops (exit code 0, or 1 if either failed): the check CI runs
/// on the native executable.
/// </summary>
public sealed class Demo(IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<Demo> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stopAfter = string.Equals(configuration["AotWorker:StopAfterDemo"], "true", StringComparison.OrdinalIgnoreCase);
        try
        {
            var job = await Greet.Queue("Ada");
            var greeting = await job.GetResultAsync(TimeSpan.FromSeconds(60), stoppingToken);
            logger.LogInformation("job Greet {Id}: {Text}", job.Id, greeting.Text);
            Console.WriteLine($"job: {greeting.Text}");

            var workflow = await Onboard.Queue("Ada");
            var result = await workflow.GetResultAsync(TimeSpan.FromSeconds(60), stoppingToken);
            logger.LogInformation("workflow Onboard {Id}: {Result}", workflow.Id, result);
            Console.WriteLine($"workflow: {result}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "The demo failed");
            Environment.ExitCode = 1;
        }

        if (stopAfter)
        {
            lifetime.StopApplication();
        }
    }
}
