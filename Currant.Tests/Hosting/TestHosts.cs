using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Currant.Tests.Hosting;

/// <summary>Hosts for the hosting tests: no default sources (no environment, no appsettings), only the given settings.</summary>
internal static class TestHosts
{
    public static HostApplicationBuilder Builder(IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        return builder;
    }

    /// <summary>A database and one worker on <paramref name="queue"/> with test-speed polling and backoff.</summary>
    public static Dictionary<string, string?> Settings(string connectionString, string queue) => new()
    {
        ["ConnectionStrings:Currant"] = connectionString,
        ["Currant:Worker:Queues:0"] = queue,
        ["Currant:Worker:MaxConcurrency"] = "4",
        ["Currant:Worker:PollInterval"] = "200ms",
        ["Currant:Worker:RetryBaseDelay"] = "50ms",
        ["Currant:Worker:ShutdownGrace"] = "5s",
    };
}
