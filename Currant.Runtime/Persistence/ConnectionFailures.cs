using Npgsql;

namespace Currant.Persistence;

/// <summary>Tells a lost or refused connection (worth waiting out) from an error in the statement itself.</summary>
internal static class ConnectionFailures
{
    /// <summary>
    /// True when <paramref name="exception"/> says the server could not be reached or dropped the session: a socket
    /// or I/O failure, a connection timeout, SQLSTATE class 08 (connection exception) or 57P (operator intervention:
    /// <c>57P01</c> shutdown, <c>57P02</c> crash, <c>57P03</c> starting up). Such a read can simply be repeated.
    /// </summary>
    public static bool IsConnectionLoss(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient,
        System.Net.Sockets.SocketException or TimeoutException => true,
        _ => false,
    };
}
