// TEMPORARY shim until the infra branch lands (replaced by the real provisioning).
using Npgsql;

namespace Currant.Tests;

public static class TestDatabase
{
    public static string ServerConnectionString => Environment.GetEnvironmentVariable("CURRANT_TEST_DATABASE_URL")!;

    public static async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var name = $"{prefix ?? "t"}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }
}
