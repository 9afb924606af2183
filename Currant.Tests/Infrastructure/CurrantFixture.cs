using Npgsql;

namespace Currant.Tests;

/// <summary>
/// Base for fixtures that need Currant on a real Postgres: a fresh database per fixture, migrated, with a client.
/// Tests use their own queue names (<see cref="NewQueue"/>) so their workers never take each other's work.
/// </summary>
public abstract class CurrantFixture
{
    protected string ConnectionString { get; private set; } = "";

    protected CurrantClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync()
    {
        ConnectionString = await TestDatabase.CreateDatabaseAsync(GetType().Name.ToLowerInvariant());
        Client = await CurrantClient.ConnectAsync(ConnectionString);
        await Client.MigrateAsync();
    }

    [OneTimeTearDown]
    public async Task DisposeClientAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }
    }

    /// <summary>
    /// A migrated database of the test's own and a client of it, for a test that needs a database no other test
    /// writes to. The fixture's client stays <see cref="CurrantClient.Default"/> (ConnectAsync makes the new one the
    /// default, and this fixture's jobs run with its own).
    /// </summary>
    protected static async Task<(string ConnectionString, CurrantClient Client)> ConnectOwnDatabaseAsync(string prefix)
    {
        var database = await TestDatabase.CreateDatabaseAsync(prefix);
        var fixtureClient = CurrantClient.Default;
        var client = await CurrantClient.ConnectAsync(database);
        CurrantClient.Default = fixtureClient;
        await client.MigrateAsync();
        return (database, client);
    }

    protected static string NewQueue(string prefix = "q") => $"{prefix}-{Guid.NewGuid():N}";

    protected static string NewKey() => Guid.NewGuid().ToString("N");

    protected Task<CurrantWorker> StartWorkerAsync(string queue, int concurrency = 4, Func<WorkerOptions, WorkerOptions>? configure = null, IServiceProvider? services = null)
    {
        var options = new WorkerOptions
        {
            Queues = [queue],
            MaxConcurrency = concurrency,
            PollInterval = TimeSpan.FromMilliseconds(200),
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(400),
            ShutdownGrace = TimeSpan.FromSeconds(5),
        };
        return Client.StartWorkerAsync(configure?.Invoke(options) ?? options, services);
    }

    protected async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
}
