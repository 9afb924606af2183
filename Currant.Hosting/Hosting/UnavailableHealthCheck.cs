using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Currant.Hosting;

/// <summary>Stands in for a Currant check whose client could not be created, reporting why.</summary>
internal sealed class UnavailableHealthCheck(Exception reason) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, reason.Message, reason));
}
