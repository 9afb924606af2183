using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Currant.Hosting;

/// <summary>
/// Reads the <c>Currant</c> configuration section by hand rather than with the reflection binder: it stays
/// trimming- and AOT-safe, accepts the same durations as the <c>CURRANT_*</c> variables ("5", "500ms", "5s",
/// "00:00:05"), and names the exact key in every error, unknown keys (typos) included.
/// </summary>
internal static class CurrantConfiguration
{
    public const string WorkerSection = "Worker";
    public const string WorkersSection = "Workers";

    private static readonly string[] ClientKeys = ["ConnectionString", "MigrateOnStartup", "PollOnly", "ListenConnectionString", "ResultPollInterval", "Defaults", WorkerSection, WorkersSection];
    private static readonly string[] DefaultsKeys = ["Retries", "Timeout", "WorkflowTimeout", "Queue", "MaxPayloadBytes"];
    private static readonly string[] WorkerKeys =
        ["Queues", "MaxConcurrency", "PollInterval", "HeartbeatInterval", "HeartbeatTimeout", "ShutdownGrace", "RetryBaseDelay", "RetryMaxDelay", "PollOnly", "RetainCompleted", "RetainFailed"];

    /// <summary>The section a worker reads: <c>Currant:Worker</c>, or <c>Currant:Workers:{name}</c> for a named one.</summary>
    public static string WorkerSectionPath(string name)
        => string.IsNullOrEmpty(name)
            ? ConfigurationPath.Combine(CurrantOptions.SectionName, WorkerSection)
            : ConfigurationPath.Combine(CurrantOptions.SectionName, WorkersSection, name);

    public static void Bind(IConfiguration configuration, CurrantOptions options)
    {
        var section = configuration.GetSection(CurrantOptions.SectionName);
        RejectUnknownKeys(section, ClientKeys);
        if (section["ConnectionString"] is { Length: > 0 } connectionString)
        {
            options.ConnectionString = connectionString;
        }

        if (section["ListenConnectionString"] is { Length: > 0 } listenConnectionString)
        {
            options.ListenConnectionString = listenConnectionString;
        }

        options.MigrateOnStartup = Bool(section, "MigrateOnStartup") ?? options.MigrateOnStartup;
        options.PollOnly = Bool(section, "PollOnly") ?? options.PollOnly;
        options.ResultPollInterval = Duration(section, "ResultPollInterval") ?? options.ResultPollInterval;

        var defaults = section.GetSection("Defaults");
        RejectUnknownKeys(defaults, DefaultsKeys);
        var d = options.Defaults;
        options.Defaults = d with
        {
            Retries = Int(defaults, "Retries") ?? d.Retries,
            Timeout = Duration(defaults, "Timeout") ?? d.Timeout,
            WorkflowTimeout = Duration(defaults, "WorkflowTimeout") is { } workflowTimeout
                ? (workflowTimeout > TimeSpan.Zero ? workflowTimeout : null)
                : d.WorkflowTimeout,
            Queue = defaults["Queue"] is { Length: > 0 } queue ? queue : d.Queue,
            MaxPayloadBytes = Int(defaults, "MaxPayloadBytes") ?? d.MaxPayloadBytes,
        };
    }

    public static void Bind(IConfiguration configuration, string name, HostedWorkerOptions options)
    {
        var section = configuration.GetSection(WorkerSectionPath(name));
        RejectUnknownKeys(section, WorkerKeys);
        if (Strings(section.GetSection("Queues")) is { } queues)
        {
            options.Queues = queues;
        }

        options.MaxConcurrency = Int(section, "MaxConcurrency") ?? options.MaxConcurrency;
        options.PollInterval = Duration(section, "PollInterval") ?? options.PollInterval;
        options.HeartbeatInterval = Duration(section, "HeartbeatInterval") ?? options.HeartbeatInterval;
        options.HeartbeatTimeout = Duration(section, "HeartbeatTimeout") ?? options.HeartbeatTimeout;
        options.ShutdownGrace = Duration(section, "ShutdownGrace") ?? options.ShutdownGrace;
        options.RetryBaseDelay = Duration(section, "RetryBaseDelay") ?? options.RetryBaseDelay;
        options.RetryMaxDelay = Duration(section, "RetryMaxDelay") ?? options.RetryMaxDelay;
        options.PollOnly = Bool(section, "PollOnly") ?? options.PollOnly;
        options.RetainCompleted = Retention(section, "RetainCompleted", options.RetainCompleted);
        options.RetainFailed = Retention(section, "RetainFailed", options.RetainFailed);
    }

    /// <summary>A retention: a duration, or "forever"/"off" (kept forever); absent keeps <paramref name="current"/>.</summary>
    private static TimeSpan? Retention(IConfigurationSection section, string key, TimeSpan? current)
        => section[key] is { } text && (text.Trim().Equals("forever", StringComparison.OrdinalIgnoreCase) || text.Trim().Equals("off", StringComparison.OrdinalIgnoreCase))
            ? null
            : Duration(section, key) ?? current;

    private static void RejectUnknownKeys(IConfigurationSection section, string[] known)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"Unknown Currant setting '{child.Path}'. The settings of '{section.Path}' are: {string.Join(", ", known)}.");
            }
        }
    }

    /// <summary>An array (<c>Queues:0</c>, <c>Queues:1</c>) or one comma-separated value ("emails,orders").</summary>
    private static List<string>? Strings(IConfigurationSection section)
    {
        if (section.Value is { } text)
        {
            return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        var items = section.GetChildren()
            .Select(c => (Index: int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue, c.Value))
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .OrderBy(c => c.Index)
            .Select(c => c.Value!.Trim())
            .ToList();
        return items.Count == 0 ? null : items;
    }

    private static bool? Bool(IConfigurationSection section, string key)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return null;
        }

        return bool.TryParse(text.Trim(), out var value)
            ? value
            : throw new FormatException($"{ConfigurationPath.Combine(section.Path, key)}='{text}' is not true or false.");
    }

    private static int? Int(IConfigurationSection section, string key)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return null;
        }

        return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{ConfigurationPath.Combine(section.Path, key)}='{text}' is not a whole number.");
    }

    private static TimeSpan? Duration(IConfigurationSection section, string key)
        => section[key] is { Length: > 0 } text ? CurrantEnvironment.ParseDuration(text, ConfigurationPath.Combine(section.Path, key)) : null;
}
