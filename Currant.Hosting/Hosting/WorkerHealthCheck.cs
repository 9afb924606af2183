using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Currant.Hosting;

/// <summary>
/// The heartbeats of this process's hosted workers. Healthy while each beat is fresh; degraded once a worker has
/// missed a beat (after two intervals: it stops claiming until one succeeds); unhealthy past the heartbeat timeout,
/// when other workers may already be taking its executions. A process without hosted workers is healthy.
/// </summary>
internal sealed class WorkerHealthCheck(HostedWorkers workers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var all = workers.All;
        if (all.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No Currant worker runs in this process."));
        }

        var status = HealthStatus.Healthy;
        var notes = new List<string>();
        var data = new Dictionary<string, object>();
        foreach (var (name, worker) in all.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var label = name.Length == 0 ? "worker" : $"worker '{name}'";
            if (worker is null)
            {
                status = Worst(status, HealthStatus.Degraded);
                notes.Add($"{label} is not running");
                continue;
            }

            var options = worker.Options;
            var age = worker.LastHeartbeat is { } last ? options.TimeProvider.GetUtcNow() - last : TimeSpan.MaxValue;
            data[name.Length == 0 ? "worker" : name] = new Dictionary<string, object>
            {
                ["id"] = worker.Id,
                ["heartbeatAgeSeconds"] = Math.Round(age.TotalSeconds, 1),
                ["inFlight"] = worker.InFlight,
            };
            if (age > options.HeartbeatTimeout)
            {
                status = Worst(status, context.Registration.FailureStatus);
                notes.Add($"{label} {worker.Id} has not sent a heartbeat for {age.TotalSeconds:0.#} s (timeout {options.HeartbeatTimeout.TotalSeconds:0.#} s): other workers may take its executions");
            }
            else if (age > options.HeartbeatInterval * 2)
            {
                status = Worst(status, HealthStatus.Degraded);
                notes.Add($"{label} {worker.Id} missed a heartbeat ({age.TotalSeconds:0.#} s ago) and claims nothing until one succeeds");
            }
            else
            {
                notes.Add($"{label} {worker.Id} is alive");
            }
        }

        return Task.FromResult(new HealthCheckResult(status, string.Join("; ", notes) + ".", data: data));
    }

    private static HealthStatus Worst(HealthStatus a, HealthStatus b) => a < b ? a : b;
}
