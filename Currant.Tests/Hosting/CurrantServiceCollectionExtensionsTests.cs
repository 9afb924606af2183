using Currant.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Currant.Tests.Hosting;

/// <summary><c>services.AddCurrant()</c>: which database, the registered client, start-up checks and migration.</summary>
public sealed class CurrantServiceCollectionExtensionsTests : CurrantFixture
{
    [TearDown]
    public void RestoreDefault() => CurrantClient.Default = Client;

    [Test]
    public async Task AddCurrant_WithConnectionStringsCurrant_RegistersOneClientThatIsAlsoTheDefault()
    {
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["ConnectionStrings:Currant"] = ConnectionString });
        builder.Services.AddCurrant();
        using var host = builder.Build();

        await host.StartAsync();
        var client = host.Services.GetRequiredService<CurrantClient>();

        Assert.That(host.Services.GetRequiredService<ICurrantClient>(), Is.SameAs(client));
        Assert.That(CurrantClient.Default, Is.SameAs(client));
        Assert.That(new NpgsqlConnectionStringBuilder(client.DataSource.ConnectionString).Database, Is.EqualTo(new NpgsqlConnectionStringBuilder(ConnectionString).Database));
        var handle = await Greet.Options(queue: NewQueue()).Queue("static stub");
        Assert.That((await client.GetExecutionAsync(handle.Id))?.State, Is.EqualTo(ExecutionState.Pending), "the static stub enqueued through the host's client");

        await host.StopAsync();
        host.Dispose();
        Assert.That(CurrantClient.Default, Is.Null, "a disposed client stops being the default");
    }

    [Test]
    public async Task AddCurrant_WithAnNpgsqlDataSourceInTheContainer_ReusesItAndLeavesItOpen()
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        var builder = TestHosts.Builder();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddCurrant();

        using (var host = builder.Build())
        {
            await host.StartAsync();
            Assert.That(host.Services.GetRequiredService<CurrantClient>().DataSource, Is.SameAs(dataSource));
            await host.StopAsync();
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.That(connection.State, Is.EqualTo(System.Data.ConnectionState.Open), "the application's data source is not Currant's to dispose");
    }

    [Test]
    public async Task AddCurrant_WithCurrantConnectionString_PrefersItToTheContainersDataSource()
    {
        await using var other = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" }.ConnectionString);
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["Currant:ConnectionString"] = ConnectionString });
        builder.Services.AddSingleton(other);
        builder.Services.AddCurrant();
        using var host = builder.Build();

        var client = host.Services.GetRequiredService<CurrantClient>();

        Assert.That(client.DataSource, Is.Not.SameAs(other));
        Assert.That(new NpgsqlConnectionStringBuilder(client.DataSource.ConnectionString).Database, Is.EqualTo(new NpgsqlConnectionStringBuilder(ConnectionString).Database));
    }

    [Test]
    public async Task AddCurrant_WithOnlyCurrantDatabaseUrl_UsesIt()
    {
        var url = new NpgsqlConnectionStringBuilder(ConnectionString);
        var builder = TestHosts.Builder(new Dictionary<string, string?>
        {
            ["CURRANT_DATABASE_URL"] = $"postgres://{url.Username}:{url.Password}@{url.Host}:{url.Port}/{url.Database}",
        });
        builder.Services.AddCurrant();
        using var host = builder.Build();

        await host.StartAsync();

        Assert.That(new NpgsqlConnectionStringBuilder(host.Services.GetRequiredService<CurrantClient>().DataSource.ConnectionString).Database, Is.EqualTo(url.Database));
        await host.StopAsync();
    }

    [Test]
    public async Task AddCurrant_WithNoDatabaseAnywhere_FailsAtStartWithEveryWayToGiveOne()
    {
        Assume.That(Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL"), Is.Null.Or.Empty);
        var builder = TestHosts.Builder();
        builder.Services.AddCurrant();
        using var host = builder.Build();

        var error = (await Assert.ThrowsAsync<CurrantConnectionException>(() => host.StartAsync()))!;

        Assert.That(error.Message, Does.Contain("ConnectionStrings:Currant").And.Contain("Currant:ConnectionString").And.Contain("CURRANT_DATABASE_URL"));
    }

    [Test]
    public async Task AddCurrant_WithAnUnreachableServer_FailsAtStartNamingTheSetting()
    {
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["ConnectionStrings:Currant"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=x;Timeout=2" });
        builder.Services.AddCurrant();
        using var host = builder.Build();

        var error = (await Assert.ThrowsAsync<CurrantConnectionException>(() => host.StartAsync()))!;

        Assert.That(error.Message, Does.Contain("127.0.0.1:1/nowhere").And.Contain("ConnectionStrings:Currant"));
    }

    [Test]
    public async Task AddCurrant_OnAnUnmigratedDatabase_FailsAtStartSayingHowToMigrate()
    {
        var fresh = await TestDatabase.CreateDatabaseAsync("hostunmigrated");
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["ConnectionStrings:Currant"] = fresh });
        builder.Services.AddCurrant();
        using var host = builder.Build();

        var error = (await Assert.ThrowsAsync<CurrantConnectionException>(() => host.StartAsync()))!;

        Assert.That(error.Message, Does.Contain("currant migrate").And.Contain("MigrateOnStartup"));
    }

    [Test]
    public async Task AddCurrant_WithMigrateOnStartup_MigratesBeforeAnyHostedServiceStarts()
    {
        var fresh = await TestDatabase.CreateDatabaseAsync("hostmigrate");
        var queue = NewQueue();
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["ConnectionStrings:Currant"] = fresh, ["Currant:MigrateOnStartup"] = "true" });
        // Registered before AddCurrant, so it starts first: the schema must already be there.
        builder.Services.AddHostedService(sp => new EnqueueOnStart(queue));
        builder.Services.AddCurrant();
        using var host = builder.Build();

        await host.StartAsync();

        var client = host.Services.GetRequiredService<CurrantClient>();
        Assert.That(await client.ListAsync(new ExecutionFilter { Queue = queue }), Has.Count.EqualTo(1));
        await host.StopAsync();
    }

    private sealed class EnqueueOnStart(string queue) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken) => await Greet.Options(queue: queue).Queue("first");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
