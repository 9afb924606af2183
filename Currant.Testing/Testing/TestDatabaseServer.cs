using System.Security.Cryptography;
using Currant.Development;
using Npgsql;

namespace Currant.Testing;

/// <summary>
/// Where environments get their databases: the server named by the options or <c>CURRANT_TEST_DATABASE_URL</c>, or
/// one throwaway <see cref="LocalPostgres"/> per process, started by the first environment and shared by the rest
/// (a cluster takes seconds to start, a database milliseconds). Each environment gets a fresh database, dropped when
/// it is disposed, so tests running side by side never see each other's rows or skipped time.
/// </summary>
internal static class TestDatabaseServer
{
    /// <summary>Npgsql connection string of an existing server on which environments create their databases.</summary>
    public const string UrlVariable = "CURRANT_TEST_DATABASE_URL";

    private static readonly SemaphoreSlim LocalGate = new(1, 1);
    private static LocalPostgres? s_local;

    /// <summary>Connection string of the server's maintenance database.</summary>
    public static async Task<string> ResolveAsync(string? configured, CancellationToken cancellationToken)
    {
        var url = configured ?? Environment.GetEnvironmentVariable(UrlVariable);
        if (!string.IsNullOrWhiteSpace(url))
        {
            return ConnectionStrings.Parse(url).ConnectionString;
        }

        await LocalGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Stopped by LocalPostgres's own process-exit hook and watchdog: it lives as long as the test process.
            s_local ??= await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = false }, cancellationToken).ConfigureAwait(false);
            return s_local.ConnectionString;
        }
        finally
        {
            LocalGate.Release();
        }
    }

    /// <summary>Creates a database with a fresh name and returns its connection string.</summary>
    public static async Task<(string Name, string ConnectionString)> CreateDatabaseAsync(string server, CancellationToken cancellationToken)
    {
        var name = "currant_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await using (var connection = new NpgsqlConnection(WithoutPooling(server)))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Identifiers cannot be parameters; the name is made of [a-z0-9_] only.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return (name, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing whatever is still connected.</summary>
    public static async Task DropDatabaseAsync(string server, string name)
    {
        await using var connection = new NpgsqlConnection(WithoutPooling(server));
        await connection.OpenAsync().ConfigureAwait(false);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public static string WithoutPooling(string connectionString)
        => new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
}
