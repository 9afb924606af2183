using Npgsql;

namespace Currant;

/// <summary>Accepts both Npgsql keyword strings and <c>postgres://user:pass@host:port/db</c> URLs.</summary>
internal static class ConnectionStrings
{
    public static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException(
                $"No database URL given. Pass one (--database-url or ConnectAsync(url)) or set {CurrantEnvironment.DatabaseUrl}, " +
                "e.g. 'Host=localhost;Database=app;Username=app;Password=...' or 'postgres://app:...@localhost:5432/app'.",
                nameof(connectionString));
        }

        var text = connectionString.Trim();
        try
        {
            if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            {
                return FromUri(new Uri(text));
            }

            return new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            throw new ArgumentException(
                $"'{Redact(text)}' is not a valid PostgreSQL connection string: {ex.Message} " +
                "Use 'Host=...;Database=...;Username=...;Password=...' or 'postgres://user:password@host:5432/database'.",
                nameof(connectionString), ex);
        }
    }

    private static NpgsqlConnectionStringBuilder FromUri(Uri uri)
    {
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        var database = uri.AbsolutePath.Trim('/');
        if (database.Length > 0)
        {
            builder.Database = Uri.UnescapeDataString(database);
        }

        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "true";
        }

        return builder;
    }

    public static string Redact(string connectionString)
    {
        try
        {
            var builder = connectionString.Contains("://", StringComparison.Ordinal)
                ? FromUri(new Uri(connectionString))
                : new NpgsqlConnectionStringBuilder(connectionString);
            if (builder.Password is not null)
            {
                builder.Password = "***";
            }

            return builder.ConnectionString;
        }
        catch (Exception)
        {
            return "(unparsable)";
        }
    }

    public static string Describe(NpgsqlConnectionStringBuilder builder)
        => $"{builder.Username ?? "(default user)"}@{builder.Host}:{builder.Port}/{builder.Database ?? "(default database)"}";
}
