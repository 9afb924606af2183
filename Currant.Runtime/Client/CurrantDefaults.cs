namespace Currant;

/// <summary>Client-wide defaults for definitions that leave a setting open.</summary>
public sealed record CurrantDefaults
{
    /// <summary>Retries after the first attempt (<c>CURRANT_DEFAULT_RETRIES</c>, default 3).</summary>
    public int Retries { get; init; } = CurrantEnvironment.GetInt("CURRANT_DEFAULT_RETRIES", 3);

    /// <summary>Timeout of one job or activity attempt (<c>CURRANT_DEFAULT_TIMEOUT</c>, default 30 minutes).</summary>
    public TimeSpan Timeout { get; init; } = CurrantEnvironment.GetDuration("CURRANT_DEFAULT_TIMEOUT", TimeSpan.FromMinutes(30));

    /// <summary>Timeout of a whole workflow (<c>CURRANT_DEFAULT_WORKFLOW_TIMEOUT</c>, default none).</summary>
    public TimeSpan? WorkflowTimeout { get; init; } = CurrantEnvironment.GetDuration("CURRANT_DEFAULT_WORKFLOW_TIMEOUT", TimeSpan.Zero) is { } t && t > TimeSpan.Zero ? t : null;

    /// <summary>The queue of definitions that name none.</summary>
    public string Queue { get; init; } = "default";

    /// <summary>Largest accepted argument payload (UTF-8 bytes); bigger ones are refused at enqueue. Default 1 MiB.</summary>
    public int MaxPayloadBytes { get; init; } = 1024 * 1024;
}
