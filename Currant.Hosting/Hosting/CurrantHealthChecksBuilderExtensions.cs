using Currant;
using Currant.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Currant's health checks, added like other libraries' with <c>services.AddHealthChecks().AddCurrant()</c>.</summary>
public static class CurrantHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds three checks (requires <c>services.AddCurrant()</c>): <c>{name}-database</c> (the database answers),
    /// <c>{name}-schema</c> (the schema is at this code's migration) and <c>{name}-worker</c> (the heartbeats of this
    /// process's hosted workers are fresh). Filter them by name or <paramref name="tags"/> in <c>MapHealthChecks</c>,
    /// e.g. the worker check for liveness and the other two for readiness.
    /// </summary>
    public static IHealthChecksBuilder AddCurrant(this IHealthChecksBuilder builder, string name = "currant", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var tagList = tags?.ToArray();
        builder.Add(new HealthCheckRegistration($"{name}-database", sp => WithClient(sp, c => new DatabaseHealthCheck(c)), failureStatus, tagList, timeout));
        builder.Add(new HealthCheckRegistration($"{name}-schema", sp => WithClient(sp, c => new SchemaHealthCheck(c)), failureStatus, tagList, timeout));
        builder.Add(new HealthCheckRegistration($"{name}-worker", sp => new WorkerHealthCheck(sp.GetService<HostedWorkers>() ?? new HostedWorkers()), failureStatus, tagList, timeout));
        return builder;
    }

    /// <summary>
    /// The check, or one that reports why the client cannot be had (not registered, no database configured): a
    /// factory that throws would fail the whole health report instead of this one entry.
    /// </summary>
    private static IHealthCheck WithClient(IServiceProvider services, Func<CurrantClient, IHealthCheck> create)
    {
        try
        {
            return services.GetService<CurrantClient>() is { } client
                ? create(client)
                : new UnavailableHealthCheck(new InvalidOperationException(
                    "The Currant health checks need the Currant client: call services.AddCurrant(...) as well as AddHealthChecks().AddCurrant()."));
        }
        catch (Exception ex) when (ex is CurrantConnectionException or ArgumentException or InvalidOperationException or FormatException)
        {
            return new UnavailableHealthCheck(ex);
        }
    }
}
