using Currant.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Currant to an application's services (Microsoft.Extensions.Hosting).</summary>
public static class CurrantServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="Currant.CurrantClient"/> and <see cref="Currant.ICurrantClient"/> (the client also becomes
    /// <see cref="Currant.CurrantClient.Default"/>, for the generated static stubs), bound from the <c>Currant</c>
    /// configuration section and then <paramref name="configure"/>. When the host starts, the definitions of every
    /// application assembly are registered, the database is checked, and the schema is migrated
    /// (<see cref="CurrantOptions.MigrateOnStartup"/>) or checked. Add workers with <see cref="CurrantBuilder.AddWorker(System.Action{HostedWorkerOptions}?)"/>.
    /// </summary>
    public static CurrantBuilder AddCurrant(this IServiceCollection services, Action<CurrantOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        CurrantBuilder.AddCore(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new CurrantBuilder(services);
    }
}
