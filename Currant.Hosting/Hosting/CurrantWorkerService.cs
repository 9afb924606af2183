using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Currant.Hosting;

/// <summary>
/// One worker added with <c>AddWorker</c>: starts with the host, takes its constructor dependencies from the
/// host's container (one scope per execution), and on <see cref="StopAsync"/> stops claiming, lets in-flight
/// executions finish until its grace period or the host's shutdown timeout ends, whichever is first, then cancels
/// and hands back the rest so another worker runs them.
/// </summary>
internal sealed class CurrantWorkerService(
    string name,
    CurrantStartup startup,
    IOptionsMonitor<HostedWorkerOptions> options,
    IOptions<CurrantOptions> currantOptions,
    HostedWorkers workers,
    IServiceProvider services,
    TimeProvider? timeProvider = null) : IHostedService, IAsyncDisposable
{
    private CurrantWorker? _worker;

    public string Name => name;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await startup.RunAsync(cancellationToken).ConfigureAwait(false);
        _worker = await startup.Client.StartWorkerAsync(CreateWorkerOptions(options.Get(name), currantOptions.Value, timeProvider), services, cancellationToken).ConfigureAwait(false);
        workers.Started(name, _worker);
    }

    internal static WorkerOptions CreateWorkerOptions(HostedWorkerOptions hosted, CurrantOptions currant, TimeProvider? timeProvider)
    {
        var worker = hosted.ToWorkerOptions(timeProvider);
        return currant.PollOnly ? worker with { PollOnly = true } : worker;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _worker, null) is not { } worker)
        {
            return;
        }

        HostingLog.WorkerStopping(startup.Client.Logger, name.Length == 0 ? "(default)" : name, worker.Options.ShutdownGrace);
        try
        {
            // The host's token fires at its ShutdownTimeout: the worker then cancels what still runs and hands it back.
            await worker.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            workers.Stopped(name);
            await worker.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _worker, null) is { } worker)
        {
            workers.Stopped(name);
            await worker.DisposeAsync().ConfigureAwait(false);
        }
    }
}
