using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Currant.Tests;

/// <summary>
/// The test run's PostgreSQL server (provisioned by <see cref="PostgresSetUp"/>) and fresh databases on it, one per
/// fixture: call <see cref="CreateDatabaseAsync"/> in <c>[OneTimeSetUp]</c>.
/// </summary>
public static class TestDatabase
{
    private const int MaxIdentifierLength = 63;

    private static readonly ConcurrentQueue<string> Created = new();
    private static string? s_serverConnectionString;
    private static bool s_dropDatabasesAtEnd;

    /// <summary>Connection string of the server's maintenance database (as a superuser on local servers).</summary>
    public static string ServerConnectionString => s_serverConnectionString ?? throw new InvalidOperationException(
        "No test PostgreSQL server: PostgresSetUp (the [SetUpFixture] of namespace Currant.Tests) has not run. " +
        "Tests that use the database must live in namespace Currant.Tests or below.");

    /// <summary>
    /// Creates an empty database with a unique name and returns its connection string. The name starts with
    /// <paramref name="prefix"/>, by default the calling fixture's class name.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var name = UniqueName(prefix ?? TestContext.CurrentContext.Test.ClassName ?? "test");
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            // Identifiers cannot be parameters; the name is built from [a-z0-9_] only.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        Created.Enqueue(name);
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    internal static void UseServer(string connectionString, bool dropDatabasesAtEnd)
    {
        s_serverConnectionString = connectionString;
        s_dropDatabasesAtEnd = dropDatabasesAtEnd;
    }

    /// <summary>Drops the databases of this run on a server that outlives it; a throwaway server just goes away.</summary>
    internal static async Task ReleaseServerAsync()
    {
        if (s_serverConnectionString is null)
            return;
        NpgsqlConnection.ClearAllPools();
        if (s_dropDatabasesAtEnd)
        {
            await using var connection = new NpgsqlConnection(s_serverConnectionString);
            await connection.OpenAsync();
            while (Created.TryDequeue(out var name))
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }

        Created.Clear();
        s_serverConnectionString = null;
    }

    internal static string UniqueName(string prefix)
    {
        var suffix = "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var name = new StringBuilder("currant_");
        foreach (var c in prefix[(prefix.LastIndexOf('.') + 1)..])
        {
            if (name.Length + suffix.Length >= MaxIdentifierLength)
                break;
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }

        return name.Append(suffix).ToString();
    }
}
