using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Currant.Testing;

/// <summary>How <see cref="CurrantTestEnvironment.StartAsync"/> sets an environment up.</summary>
public sealed class CurrantTestEnvironmentOptions
{
    /// <summary>
    /// The container jobs and activities are created from (constructor parameters): register fakes here, e.g.
    /// <c>o.Services.AddSingleton&lt;IPayments, FakePayments&gt;()</c>.
    /// </summary>
    public IServiceCollection Services { get; } = new ServiceCollection();

    /// <summary>
    /// Connection string of a PostgreSQL server on which the environment creates (and at the end drops) a database of
    /// its own. Default: <c>CURRANT_TEST_DATABASE_URL</c>, else a throwaway local server shared by the process's
    /// environments (PostgreSQL's binaries must be installed).
    /// </summary>
    public string? ServerUrl { get; set; }

    /// <summary>
    /// Skip time on its own while a caller waits for a result through <see cref="CurrantTestEnvironment.Client"/> and
    /// nothing but timers is left to wait for (default true). See <see cref="CurrantTestEnvironment.AutoSkipTime"/>.
    /// </summary>
    public bool AutoSkipTime { get; set; } = true;

    /// <summary>
    /// The worker's settings (retry delays, concurrency). The environment adds every queue the registered jobs,
    /// activities and workflows use to <see cref="WorkerOptions.Queues"/>, and sets its clock and heartbeat timeout.
    /// </summary>
    public WorkerOptions Worker { get; set; } = new() { ShutdownGrace = TimeSpan.FromSeconds(5) };

    /// <summary>Settings of <see cref="CurrantTestEnvironment.Client"/> (serializer options, logging).</summary>
    public CurrantClientOptions Client { get; set; } = new();

    /// <summary>Where Currant logs (default: nowhere); shorthand for <c>Client = Client with { LoggerFactory = … }</c>.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// How long <see cref="CurrantTestEnvironment.SkipTimeAsync"/> first waits for what can run now to finish
    /// (default 10 s); after it, it skips anyway.
    /// </summary>
    public TimeSpan QuiescenceTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
