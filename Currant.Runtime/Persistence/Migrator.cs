using Npgsql;

namespace Currant.Persistence;

/// <summary>
/// Applies the numbered scripts in <c>db/</c> (embedded as resources) in order, each in its own transaction,
/// under a transaction-scoped advisory lock so concurrent starters never apply a script twice.
/// </summary>
internal sealed class Migrator(NpgsqlDataSource dataSource)
{
    // Arbitrary but fixed: "currant" in ASCII, so operators can recognise it in pg_locks.
    private const long AdvisoryLockKey = 0x63757272616e74;

    private const string Bootstrap = """
        CREATE SCHEMA IF NOT EXISTS currant;
        CREATE TABLE IF NOT EXISTS currant.migrations (
            version    integer     PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    private const string Lock = "SELECT pg_advisory_xact_lock(@key)";
    private const string IsApplied = "SELECT EXISTS (SELECT 1 FROM currant.migrations WHERE version = @version)";
    private const string Record = "INSERT INTO currant.migrations (version, name) VALUES (@version, @name)";

    public static IReadOnlyList<Migration> All { get; } = Load();

    public static int LatestVersion => All[^1].Version;

    /// <summary>Applies every missing migration; returns the ones applied by this call.</summary>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken cancellationToken)
    {
        var applied = new List<Migration>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var migration in All)
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand(Lock, connection, tx))
            {
                lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var bootstrap = new NpgsqlCommand(Bootstrap, connection, tx))
            {
                await bootstrap.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var check = new NpgsqlCommand(IsApplied, connection, tx))
            {
                check.Parameters.AddWithValue("version", migration.Version);
                if ((bool)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            await using (var script = new NpgsqlCommand(migration.Sql, connection, tx))
            {
                await script.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand(Record, connection, tx))
            {
                record.Parameters.AddWithValue("version", migration.Version);
                record.Parameters.AddWithValue("name", migration.Name);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            applied.Add(migration);
        }

        return applied;
    }

    private static List<Migration> Load()
    {
        var assembly = typeof(Migrator).Assembly;
        const string prefix = "Currant.db.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[prefix.Length..^".sql".Length];
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(version, name, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        return migrations;
    }
}
