using System.Text.Json;

namespace Currant.Hosting;

/// <summary>
/// Settings of the Currant client registered by <c>services.AddCurrant(...)</c>. Bound from the <c>Currant</c>
/// configuration section first; the delegate given to <c>AddCurrant</c> runs after it, so code wins.
/// </summary>
public sealed class CurrantOptions
{
    /// <summary>The configuration section Currant reads (<c>Currant</c>).</summary>
    public const string SectionName = "Currant";

    /// <summary>
    /// The database (<c>Currant:ConnectionString</c>): an Npgsql connection string or a <c>postgres://</c> URL.
    /// When null: <c>ConnectionStrings:Currant</c>, then an <c>NpgsqlDataSource</c> registered in the container, then
    /// <c>CURRANT_DATABASE_URL</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply missing migrations when the host starts (<c>Currant:MigrateOnStartup</c>, default false).</summary>
    public bool MigrateOnStartup { get; set; }

    /// <summary>Never LISTEN, for PgBouncer in transaction-pooling mode; applies to the client and every hosted worker.</summary>
    public bool PollOnly { get; set; }

    /// <summary>
    /// A direct connection for LISTEN (<c>Currant:ListenConnectionString</c>) when <see cref="ConnectionString"/> goes
    /// through PgBouncer in transaction-pooling mode; null: LISTEN on the main connection string.
    /// </summary>
    public string? ListenConnectionString { get; set; }

    /// <summary>How often <c>GetResultAsync</c> re-reads the row when no NOTIFY arrives (default 1 s).</summary>
    public TimeSpan ResultPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Defaults for definitions that leave retries, timeouts or the queue open (<c>Currant:Defaults</c>).</summary>
    public CurrantDefaults Defaults { get; set; } = new();

    /// <summary>Serializer for arguments and results; set a source-generated resolver for Native AOT. Code only.</summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }
}
