namespace Currant.Development;

/// <summary>Settings for <see cref="LocalPostgres.StartAsync"/>.</summary>
public sealed record LocalPostgresOptions
{
    /// <summary>
    /// Whether commits survive a power loss: <c>fsync</c>, <c>synchronous_commit</c> and <c>full_page_writes</c> on.
    /// Default <see langword="true"/>, the setting benchmarks must use; tests turn it off for speed.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>TCP port on 127.0.0.1; 0 (the default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Data directory to use and keep. <see langword="null"/> (the default) creates a throwaway one that
    /// <see cref="LocalPostgres.DisposeAsync"/> deletes. An existing cluster is reused; an empty or missing folder is initialized.
    /// </summary>
    public string? DataDirectory { get; init; }
}
