using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Currant.Hosting;

/// <summary>Returned by <c>services.AddCurrant(...)</c>: adds hosted workers and definition assemblies.</summary>
public sealed class CurrantBuilder
{
    internal CurrantBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Adds a worker that starts with the host and drains gracefully when it stops. Its settings are bound from
    /// <c>Currant:Worker</c>, then <paramref name="configure"/> runs.
    /// </summary>
    public CurrantBuilder AddWorker(Action<HostedWorkerOptions>? configure = null) => AddWorker(Options.DefaultName, configure);

    /// <summary>
    /// Adds a named worker (for example one per group of queues, each with its own concurrency). Its settings are
    /// bound from <c>Currant:Workers:{name}</c>, then <paramref name="configure"/> runs.
    /// </summary>
    public CurrantBuilder AddWorker(string name, Action<HostedWorkerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = typeof(CurrantWorkerService).FullName + ":" + name;
        if (Services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, key)))
        {
            throw new InvalidOperationException(
                name.Length == 0
                    ? "AddWorker() was called twice. Configure the one worker with both delegates' settings, or give the second a name: AddWorker(\"reports\", o => ...)."
                    : $"A worker named '{name}' was added twice.");
        }

        if (configure is not null)
        {
            Services.Configure(name, configure);
        }

        Services.AddKeyedSingleton(key, (sp, _) =>
        {
            sp.GetRequiredService<HostedWorkers>().Declare(name);
            return ActivatorUtilities.CreateInstance<CurrantWorkerService>(sp, name);
        });
        Services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<CurrantWorkerService>(key));
        return this;
    }

    /// <summary>
    /// Registers the <c>[Job]</c>, <c>[Activity]</c> and <c>[Workflow]</c> classes of an assembly now. Assemblies
    /// beside the application are found on their own; this is for ones loaded from elsewhere (plugins, tests).
    /// </summary>
    public CurrantBuilder AddAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ApplicationAssemblies.Register(assembly);
        return this;
    }

    internal static void AddCore(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(CurrantStartup)))
        {
            return;
        }

        services.AddOptions();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<CurrantOptions>, CurrantConfigurationSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HostedWorkerOptions>, CurrantConfigurationSetup>());
        services.TryAddSingleton<CurrantDatabase>();
        services.TryAddSingleton(sp =>
        {
            var database = sp.GetRequiredService<CurrantDatabase>();
            var client = CurrantClient.Create(database.DataSource, database.ClientOptions, database.ClaimsDataSource);
            CurrantClient.Default = client;
            return client;
        });
        services.TryAddSingleton<ICurrantClient>(sp => sp.GetRequiredService<CurrantClient>());
        services.TryAddSingleton<CurrantStartup>();
        services.TryAddSingleton<HostedWorkers>();
        services.AddHostedService<CurrantHostedService>();
    }
}
