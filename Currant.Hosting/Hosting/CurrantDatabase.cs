using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Currant.Hosting;

/// <summary>
/// The database of the hosted client, chosen once: <see cref="CurrantOptions.ConnectionString"/> (code or
/// <c>Currant:ConnectionString</c>), then <c>ConnectionStrings:Currant</c>, then an <see cref="NpgsqlDataSource"/>
/// registered in the container, then <c>CURRANT_DATABASE_URL</c>. The settings that name Currant win over the
/// application's shared data source, which wins over the process-wide variable. A data source built here is
/// disposed with the container; one taken from the container stays the application's.
/// </summary>
internal sealed class CurrantDatabase : IAsyncDisposable
{
    public const string ConnectionStringName = "Currant";

    private readonly bool _owned;

    public CurrantDatabase(IOptions<CurrantOptions> options, IServiceProvider services, IConfiguration? configuration = null, ILoggerFactory? loggerFactory = null)
    {
        var settings = options.Value;
        LoggerFactory = loggerFactory;
        ClientOptions = ClientOptionsFrom(settings, loggerFactory);

        var explicitSetting = Pick(settings, configuration);
        if (explicitSetting is null && services.GetService<NpgsqlDataSource>() is { } shared)
        {
            DataSource = shared;
            Source = "the NpgsqlDataSource registered in the container";
            Description = Describe(shared);
            return;
        }

        var (connectionString, source) = explicitSetting
            ?? (FromEnvironment(configuration) is { } url ? (url, CurrantEnvironment.DatabaseUrl) : default);
        if (connectionString is null)
        {
            throw new CurrantConnectionException(
                "Currant has no database. Set ConnectionStrings:Currant or Currant:ConnectionString (appsettings.json or " +
                $"environment), register an NpgsqlDataSource, set {CurrantEnvironment.DatabaseUrl}, or pass one in code: " +
                "services.AddCurrant(o => o.ConnectionString = \"Host=...;Database=...;Username=...\").");
        }

        var builder = ConnectionStrings.Parse(connectionString);
        DataSourceTuning.Apply(builder);
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = "Currant" };
        if (loggerFactory is not null)
        {
            dataSourceBuilder.UseLoggerFactory(loggerFactory);
        }

        DataSource = dataSourceBuilder.Build();
        ClaimsDataSource = DataSourceTuning.BuildClaims(builder, loggerFactory);
        Source = source;
        Description = ConnectionStrings.Describe(builder);
        _owned = true;
    }

    public static CurrantClientOptions ClientOptionsFrom(CurrantOptions settings, ILoggerFactory? loggerFactory) => new()
    {
        LoggerFactory = loggerFactory,
        SerializerOptions = settings.SerializerOptions,
        Defaults = settings.Defaults,
        ResultPollInterval = settings.ResultPollInterval,
        PollOnly = settings.PollOnly,
        ListenConnectionString = settings.ListenConnectionString,
    };

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Claims and heartbeats (asynchronous commit); null when the data source is the application's.</summary>
    public NpgsqlDataSource? ClaimsDataSource { get; }

    public CurrantClientOptions ClientOptions { get; }

    public ILoggerFactory? LoggerFactory { get; }

    /// <summary>Which setting chose the database, for the start-up log line.</summary>
    public string Source { get; }

    /// <summary>user@host:port/database, without the password.</summary>
    public string Description { get; }

    private static (string ConnectionString, string Source)? Pick(CurrantOptions settings, IConfiguration? configuration)
    {
        if (!string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            return (settings.ConnectionString, "Currant:ConnectionString");
        }

        if (configuration?.GetConnectionString(ConnectionStringName) is { Length: > 0 } named && !string.IsNullOrWhiteSpace(named))
        {
            return (named, $"ConnectionStrings:{ConnectionStringName}");
        }

        return null;
    }

    /// <summary>The fallback after the container's data source: the variable, also when it reached configuration.</summary>
    private static string? FromEnvironment(IConfiguration? configuration)
        => configuration?[CurrantEnvironment.DatabaseUrl] is { Length: > 0 } fromConfiguration && !string.IsNullOrWhiteSpace(fromConfiguration)
            ? fromConfiguration
            : Environment.GetEnvironmentVariable(CurrantEnvironment.DatabaseUrl);

    private static string Describe(NpgsqlDataSource dataSource)
    {
        try
        {
            return ConnectionStrings.Describe(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString));
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }
    }

    /// <summary>Opens one connection so a wrong address or password fails at start-up, with the fix in the message.</summary>
    public async Task EnsureReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new CurrantConnectionException(
                $"Cannot connect to PostgreSQL at {Description} (from {Source}): {ex.Message} " +
                "Check that setting and that the server is running.", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }

        if (ClaimsDataSource is not null)
        {
            await ClaimsDataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
