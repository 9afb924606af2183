using System.Net;
using System.Net.Sockets;
using Currant.Development;
using Npgsql;

namespace Currant.Tests.Development;

public sealed class LocalPostgresTests
{
    private LocalPostgres _shared = null!;

    [OneTimeSetUp]
    public async Task StartSharedServerAsync() => _shared = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = false });

    [OneTimeTearDown]
    public async Task StopSharedServerAsync() => await _shared.DisposeAsync();

    [Test]
    public async Task StartAsync_WhenNotDurable_TurnsFsyncAndSynchronousCommitOff()
    {
        Assert.Multiple(async () =>
        {
            Assert.That(await ShowAsync(_shared.ConnectionString, "fsync"), Is.EqualTo("off"));
            Assert.That(await ShowAsync(_shared.ConnectionString, "synchronous_commit"), Is.EqualTo("off"));
        });
    }

    [Test]
    public async Task StartAsync_ByDefault_IsDurable()
    {
        await using var server = await LocalPostgres.StartAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await ShowAsync(server.ConnectionString, "fsync"), Is.EqualTo("on"));
            Assert.That(await ShowAsync(server.ConnectionString, "synchronous_commit"), Is.EqualTo("on"));
            Assert.That(await ShowAsync(server.ConnectionString, "max_connections"), Is.EqualTo("200"));
        });
    }

    [Test]
    public async Task StartAsync_ListensOnLoopbackOnlyAtThePortItReports()
    {
        var builder = new NpgsqlConnectionStringBuilder(_shared.ConnectionString);

        Assert.Multiple(async () =>
        {
            Assert.That(builder.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(builder.Port, Is.EqualTo(_shared.Port));
            Assert.That(await ShowAsync(_shared.ConnectionString, "listen_addresses"), Is.EqualTo("127.0.0.1"));
        });
    }

    [Test]
    public async Task StartAsync_WithPort_ListensOnThatPort()
    {
        var port = FreePort();

        await using var server = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = false, Port = port });

        Assert.Multiple(async () =>
        {
            Assert.That(server.Port, Is.EqualTo(port));
            Assert.That(await ShowAsync(server.ConnectionString, "port"), Is.EqualTo(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task StartAsync_WritesMarkerFileThatNamesTheServer()
    {
        var marker = Path.Combine(Path.GetDirectoryName(_shared.DataDirectory)!, LocalPostgres.MarkerFileName);

        var lines = await File.ReadAllLinesAsync(marker);

        var postmasterPid = lines.Single(line => line.StartsWith("postmaster_pid=", StringComparison.Ordinal))["postmaster_pid=".Length..];
        Assert.Multiple(() =>
        {
            Assert.That(lines, Does.Contain($"port={_shared.Port}").And.Contain($"data_dir={_shared.DataDirectory}").And.Contain("temporary=true"));
            Assert.That(postmasterPid, Does.Match("^[0-9]+$"));
        });
    }

    [Test]
    public async Task StartAsync_WhenDisposed_StopsServerAndRemovesDirectory()
    {
        var server = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = false });
        var serverDirectory = Path.GetDirectoryName(server.DataDirectory)!;
        Assert.That(await ShowAsync(server.ConnectionString, "server_version_num"), Is.Not.Empty);

        await server.DisposeAsync();

        Assert.That(Directory.Exists(serverDirectory), Is.False, "server folder left behind");
        await using var connection = new NpgsqlConnection(server.ConnectionString + ";Pooling=false;Timeout=3");
        Assert.That(async () => await connection.OpenAsync(), Throws.InstanceOf<NpgsqlException>(), "server still answers");
    }

    [Test]
    public async Task StartAsync_WithDataDirectory_KeepsItsDataAcrossRestarts()
    {
        var dataDirectory = Path.Combine("/tmp", "currant-test-data-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using (var first = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = false, DataDirectory = dataDirectory }))
            {
                await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (value int); INSERT INTO kept VALUES (42)");
            }

            Assert.That(File.Exists(Path.Combine(dataDirectory, "PG_VERSION")), Is.True, "data directory deleted on dispose");

            await using var second = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = false, DataDirectory = dataDirectory });
            Assert.That(await ShowAsync(second.ConnectionString, "data_directory"), Is.EqualTo(dataDirectory));
            await using var connection = new NpgsqlConnection(second.ConnectionString);
            await connection.OpenAsync();
            await using var select = new NpgsqlCommand("SELECT value FROM kept", connection);
            Assert.That(await select.ExecuteScalarAsync(), Is.EqualTo(42));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (Directory.Exists(dataDirectory))
                Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Test]
    public async Task StartAsync_WhenDataDirectoryIsInUse_RefusesAndLeavesThatServerRunning()
    {
        var dataDirectory = Path.Combine("/tmp", "currant-test-data-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var running = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = false, DataDirectory = dataDirectory });

            Assert.That(
                async () => await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = false, DataDirectory = dataDirectory }),
                Throws.InvalidOperationException.With.Message.Contains("already running"));
            Assert.That(await ShowAsync(running.ConnectionString, "data_directory"), Is.EqualTo(dataDirectory));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (Directory.Exists(dataDirectory))
                Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<string> ShowAsync(string connectionString, string setting)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting($1)", connection) { Parameters = { new() { Value = setting } } };
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
