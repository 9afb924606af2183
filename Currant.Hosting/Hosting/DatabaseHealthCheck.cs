using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Currant.Hosting;

/// <summary>Healthy when a connection to Currant's database opens and answers a query.</summary>
internal sealed class DatabaseHealthCheck(CurrantClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.Store.PingAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The Currant database answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The Currant database does not answer: {ex.Message}", ex);
        }
    }
}
