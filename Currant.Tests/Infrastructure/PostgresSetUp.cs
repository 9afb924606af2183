using Currant.Development;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Currant.Tests;

/// <summary>
/// Provisions the one PostgreSQL server of a test run, for every test in namespace <c>Currant.Tests</c>:
/// <c>CURRANT_TEST_DATABASE_URL</c> if set; else a Testcontainers server if a Docker engine answers; else a
/// <see cref="LocalPostgres"/> from the binaries on this machine. Fixtures get their own database from <see cref="TestDatabase"/>.
/// </summary>
[SetUpFixture]
public sealed class PostgresSetUp
{
    /// <summary>Npgsql connection string of an existing server to test against instead of starting one.</summary>
    public const string DatabaseUrlVariable = "CURRANT_TEST_DATABASE_URL";

    private static readonly TimeSpan DockerProbeTimeout = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan ContainerStartTimeout = TimeSpan.FromMinutes(3);

    private IAsyncDisposable? _server;

    [OneTimeSetUp]
    public async Task ProvisionServerAsync()
    {
        var url = Environment.GetEnvironmentVariable(DatabaseUrlVariable);
        if (!string.IsNullOrWhiteSpace(url))
        {
            TestDatabase.UseServer(url, dropDatabasesAtEnd: true);
            Log($"{DatabaseUrlVariable} ({Redact(url)})");
            return;
        }

        if (await DockerProbe.AnswersAsync(DockerProbeTimeout))
        {
            try
            {
                await StartContainerAsync();
                return;
            }
            catch (Exception e)
            {
                TestContext.Progress.WriteLine($"Postgres: Docker answered but the container did not start ({e.GetType().Name}: {e.Message}); using local binaries.");
            }
        }
        else
        {
            TestContext.Progress.WriteLine($"Postgres: no Docker engine answered ({DockerProbe.Describe()}); using local binaries.");
        }

        var started = DateTime.UtcNow;
        var local = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = false });
        _server = local;
        TestDatabase.UseServer(local.ConnectionString, dropDatabasesAtEnd: false);
        Log($"LocalPostgres on port {local.Port}, data in {local.DataDirectory}, started in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
    }

    [OneTimeTearDown]
    public async Task TearDownServerAsync()
    {
        await TestDatabase.ReleaseServerAsync();
        if (_server is not null)
            await _server.DisposeAsync();
        _server = null;
    }

    // Separate method: Testcontainers is loaded only when Docker answers.
    private async Task StartContainerAsync()
    {
        var container = new PostgreSqlBuilder("postgres:15-alpine")
            .WithCommand("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=200")
            .Build();
        try
        {
            using var timeout = new CancellationTokenSource(ContainerStartTimeout);
            await container.StartAsync(timeout.Token);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }

        _server = container;
        TestDatabase.UseServer(container.GetConnectionString(), dropDatabasesAtEnd: false);
        Log($"Testcontainers ({container.Image.FullName}, {Redact(container.GetConnectionString())})");
    }

    private static void Log(string what) => TestContext.Progress.WriteLine($"Postgres for this test run: {what}");

    private static string Redact(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password))
                builder.Password = "***";
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "unparsable connection string";
        }
    }
}
