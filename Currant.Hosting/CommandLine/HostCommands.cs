using Currant.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Currant.CommandLine;

/// <summary>The commands' side of an application that exposes them: its database, settings and container.</summary>
internal static class HostCommands
{
    /// <summary>Room, after the grace period, to cancel what still runs, hand it back and deregister.</summary>
    private static readonly TimeSpan HandBackReserve = TimeSpan.FromSeconds(15);

    /// <summary>How long the process waits for a command after Ctrl-C or SIGTERM: a worker's whole drain.</summary>
    public static TimeSpan DrainTimeout(IServiceProvider? host)
    {
        var grace = new WorkerOptions().ShutdownGrace;
        if (host is not null)
        {
            try
            {
                grace = host.GetRequiredService<IOptionsMonitor<HostedWorkerOptions>>().Get(Options.DefaultName).ShutdownGrace;
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException)
            {
                // A configuration mistake: the command itself reports it.
            }
        }

        return grace + HandBackReserve;
    }

    /// <summary>A client on the host's database (checked to answer); disposing it leaves the host's data source open.</summary>
    public static async Task<CurrantClient> ConnectAsync(IServiceProvider host, CancellationToken cancellationToken)
    {
        var database = Resolve(host, (CurrantDatabase d) => d);
        await database.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
        return CurrantClient.Create(database.DataSource, database.ClientOptions, database.ClaimsDataSource);
    }

    /// <summary>
    /// <c>worker</c> inside the application: the <c>Currant:Worker</c> settings with the command's options on top,
    /// constructor dependencies from the host's container, and the host's start-up (migration when configured).
    /// </summary>
    public static async Task<int> RunWorkerAsync(IServiceProvider host, string? databaseUrl, string[]? queues, int? concurrency, bool pollOnly, TextWriter output, CancellationToken cancellationToken)
    {
        var settings = Resolve(host, (IOptions<CurrantOptions> o) => o.Value);
        var hosted = Resolve(host, (IOptionsMonitor<HostedWorkerOptions> o) => o.Get(Options.DefaultName));
        CurrantClient client;
        CurrantClient? owned = null;
        if (string.IsNullOrWhiteSpace(databaseUrl))
        {
            var startup = Resolve(host, (CurrantStartup s) => s);
            await startup.RunAsync(cancellationToken).ConfigureAwait(false);
            client = startup.Client;
        }
        else
        {
            owned = client = await CurrantClient.ConnectAsync(databaseUrl, CurrantDatabase.ClientOptionsFrom(settings, host.GetService<ILoggerFactory>()), cancellationToken).ConfigureAwait(false);
            ApplicationAssemblies.RegisterAll(client.Logger);
        }

        try
        {
            var options = CurrantWorkerService.CreateWorkerOptions(hosted, settings, host.GetService<TimeProvider>());
            if (queues is { Length: > 0 })
            {
                options = options with { Queues = queues };
            }

            if (concurrency is { } c)
            {
                options = options with { MaxConcurrency = c };
            }

            if (pollOnly)
            {
                options = options with { PollOnly = true };
            }

            var names = string.Join(", ", ExecutionRegistry.All.Select(d => d.Name).Order(StringComparer.Ordinal));
            await using var worker = await client.StartWorkerAsync(options, host, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"Worker {worker.Id} serving [{string.Join(", ", options.Queues)}] with concurrency {options.MaxConcurrency}; knows: {(names.Length == 0 ? "(nothing)" : names)}").ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await output.WriteLineAsync("Stopping: finishing in-flight executions...").ConfigureAwait(false);
            }

            return 0;
        }
        finally
        {
            if (owned is not null)
            {
                await owned.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Resolves a Currant service and reads it, turning a configuration mistake into one readable line.</summary>
    private static TResult Resolve<TService, TResult>(IServiceProvider host, Func<TService, TResult> read) where TService : notnull
    {
        try
        {
            var service = host.GetService<TService>() ?? throw new CommandLineException(
                "Currant is not registered in this application: call builder.Services.AddCurrant(...) before Build().");
            return read(service);
        }
        catch (InvalidOperationException ex)
        {
            throw new CommandLineException(ex.Message);
        }
    }
}
