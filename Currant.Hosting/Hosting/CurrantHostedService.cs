using Microsoft.Extensions.Hosting;

namespace Currant.Hosting;

/// <summary>
/// Runs <see cref="CurrantStartup"/> in <see cref="IHostedLifecycleService.StartingAsync"/>, which the host calls
/// before any hosted service starts (workers, the web server), so nothing enqueues or claims before the schema is
/// there and <see cref="CurrantClient.Default"/> is set.
/// </summary>
internal sealed class CurrantHostedService(CurrantStartup startup) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => startup.RunAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
