using Currant.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Currant.Hosting;

/// <summary>
/// Healthy when the schema is at the migration this code expects; unhealthy when it is missing or older (with the
/// fix); degraded when it is newer, as during a rolling deploy whose new code migrated first.
/// </summary>
internal sealed class SchemaHealthCheck(CurrantClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        int version;
        try
        {
            version = await client.Store.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Cannot read the Currant schema version: {ex.Message}", ex);
        }

        var expected = Migrator.LatestVersion;
        var data = new Dictionary<string, object> { ["version"] = version, ["expected"] = expected };
        if (version < 0)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                "The Currant schema does not exist. Run 'currant migrate' or set Currant:MigrateOnStartup.", data: data);
        }

        if (version < expected)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"The Currant schema is at migration {version}; this code needs {expected}. Run 'currant migrate'.", data: data);
        }

        return version == expected
            ? HealthCheckResult.Healthy($"The Currant schema is current (migration {version}).", data)
            : HealthCheckResult.Degraded($"The Currant schema is at migration {version}, newer than this code's {expected}: deploy the newer code.", data: data);
    }
}
