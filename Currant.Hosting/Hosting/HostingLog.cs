using Microsoft.Extensions.Logging;

namespace Currant;

/// <summary>The log events of the hosting integration (ids 100-119), source-generated like <see cref="Log"/>.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(100, LogLevel.Information, "Currant uses the database {Database} (from {Source})")]
    public static partial void UsingDatabase(ILogger logger, string database, string source);

    [LoggerMessage(101, LogLevel.Information, "Currant applied {Count} migration(s): {Migrations}")]
    public static partial void Migrated(ILogger logger, int count, string migrations);

    [LoggerMessage(102, LogLevel.Information, "Currant registered {Count} execution definition(s): {Names}")]
    public static partial void DefinitionsRegistered(ILogger logger, int count, string names);

    [LoggerMessage(103, LogLevel.Information, "Hosted Currant worker {WorkerName} stopping: in-flight executions get up to {Grace} (or until the host's shutdown timeout) before they are handed back")]
    public static partial void WorkerStopping(ILogger logger, string workerName, TimeSpan grace);

    [LoggerMessage(104, LogLevel.Warning, "Could not inspect assembly {Path} for Currant definitions")]
    public static partial void AssemblyScanFailed(ILogger logger, Exception exception, string path);
}
