using Microsoft.Extensions.Logging;
using Npgsql;

namespace Currant;

/// <summary>
/// How Currant builds the data sources it owns, in one place for <see cref="CurrantClient.ConnectAsync"/> and the
/// hosted client: the settings a connection string names itself always win.
/// </summary>
internal static class DataSourceTuning
{
    /// <summary>Defaults for Currant's own data source (<paramref name="builder"/> is changed in place).</summary>
    public static void Apply(NpgsqlConnectionStringBuilder builder)
    {
        // Currant's statements are few and hot (claim, complete, commit an activation): prepare them on each
        // connection after their second use (PgBouncer users may set 0).
        // NpgsqlConnectionStringBuilder.ContainsKey is true for every keyword it knows, set or not: ask a plain
        // builder of the same string which keywords the string really names.
        var named = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = builder.ConnectionString };
        if (!named.ContainsKey("Max Auto Prepare") && !named.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        // Currant leaves no session state on a pooled connection (its advisory lock is transaction-scoped, LISTEN has a
        // connection of its own), so skip the reset Npgsql otherwise runs on every reuse: it costs the server 0.05-0.2 ms
        // before each claim, completion and enqueue (measured with log_min_duration_statement).
        if (!named.ContainsKey("No Reset On Close") && !named.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
    }

    /// <summary>
    /// The data source for claims and heartbeats: a small pool of its own. Their asynchronous commit and generic plans
    /// are set per transaction by the statements themselves (<c>WorkerQueries.RelaxedTransaction</c>), not as startup
    /// options: PgBouncer refuses the <c>options</c> startup parameter (08P01 unsupported startup parameter).
    /// </summary>
    public static NpgsqlDataSource BuildClaims(NpgsqlConnectionStringBuilder tuned, ILoggerFactory? loggerFactory)
    {
        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(tuned.ConnectionString)
        {
            MaxPoolSize = Math.Min(tuned.MaxPoolSize, 10),
        }.ConnectionString) { Name = "Currant.Claims" };
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Build();
    }

    /// <summary>
    /// The data source of the LISTEN connection: <see cref="CurrantClientOptions.ListenConnectionString"/> when set (a
    /// direct connection past a transaction-pooling PgBouncer, which cannot hold a LISTEN), else null (use the main one).
    /// </summary>
    public static NpgsqlDataSource? BuildListen(string? listenConnectionString, ILoggerFactory? loggerFactory)
    {
        if (string.IsNullOrWhiteSpace(listenConnectionString))
        {
            return null;
        }

        var parsed = ConnectionStrings.Parse(listenConnectionString);
        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(parsed.ConnectionString)
        {
            // One LISTEN connection per client; the pool never needs more.
            MaxPoolSize = 2,
        }.ConnectionString) { Name = "Currant.Listen" };
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Build();
    }
}
