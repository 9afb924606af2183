using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Currant;

/// <summary>Settings of a <see cref="CurrantClient"/>.</summary>
public sealed record CurrantClientOptions
{
    /// <summary>Serializer for arguments and results; set a source-generated resolver for Native AOT.</summary>
    public JsonSerializerOptions? SerializerOptions { get; init; }

    /// <summary>Where Currant logs.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Defaults for definitions that leave retries, timeouts or the queue open.</summary>
    public CurrantDefaults Defaults { get; init; } = new();

    /// <summary>How often <c>GetResultAsync</c> re-reads the row when no NOTIFY arrives (default 1 s).</summary>
    public TimeSpan ResultPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Never LISTEN (for PgBouncer in transaction-pooling mode): wait by polling only.</summary>
    public bool PollOnly { get; init; }

    /// <summary>
    /// A direct connection string (or <c>postgres://</c> URL) for the one LISTEN connection, when the main one goes
    /// through PgBouncer in transaction-pooling mode (which cannot hold a LISTEN). Null: LISTEN on the main one
    /// (or not at all with <see cref="PollOnly"/>).
    /// </summary>
    public string? ListenConnectionString { get; init; }
}
