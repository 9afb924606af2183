using Npgsql;

namespace Currant.Persistence;

/// <summary>Sorts database errors into those that will pass (retry) and those that will not (fail the one row).</summary>
internal static class StoreErrors
{
    /// <summary>
    /// PostgreSQL refused a value itself: class 22 (data exception, e.g. 22P05 "\u0000 cannot be converted to text"
    /// in jsonb) or 54 (program limit exceeded, e.g. a value over 1 GB). Sending the same value again fails the same way.
    /// </summary>
    public static bool IsRefusedValue(PostgresException exception)
        => exception.SqlState.StartsWith("22", StringComparison.Ordinal) || exception.SqlState.StartsWith("54", StringComparison.Ordinal);

    /// <summary>True when <paramref name="exception"/> (or what it wraps) is a refused value.</summary>
    public static bool IsRefusedValue(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg && IsRefusedValue(pg))
            {
                return true;
            }
        }

        return false;
    }
}
