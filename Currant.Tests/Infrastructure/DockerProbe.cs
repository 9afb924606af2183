using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Currant.Tests;

/// <summary>Tells within a second or two whether a Docker engine answers, so that a machine without one falls through fast.</summary>
internal static class DockerProbe
{
    /// <summary>Where the engine was looked for, for the log line.</summary>
    public static string Describe() => Endpoint()?.ToString() ?? "no DOCKER_HOST and no docker.sock";

    public static async Task<bool> AnswersAsync(TimeSpan timeout)
    {
        var endpoint = Endpoint();
        if (endpoint is null)
            return false;

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var socket = endpoint is UnixDomainSocketEndPoint
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endpoint, cts.Token);
            await socket.SendAsync("GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"u8.ToArray(), SocketFlags.None, cts.Token);
            var buffer = new byte[32];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private static EndPoint? Endpoint()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(host))
        {
            if (host.StartsWith("unix://", StringComparison.Ordinal))
                return new UnixDomainSocketEndPoint(host["unix://".Length..]);
            return Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" ? new DnsEndPoint(uri.Host, uri.Port) : null;
        }

        if (OperatingSystem.IsWindows())
            return null; // Named pipes: leave Docker Desktop on Windows to an explicit CURRANT_TEST_DATABASE_URL.

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string?[] candidates =
        [
            "/var/run/docker.sock",
            Path.Combine(home, ".docker", "run", "docker.sock"),
            Path.Combine(home, ".docker", "desktop", "docker.sock"),
            Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime ? Path.Combine(runtime, "docker.sock") : null,
        ];
        var socketPath = candidates.FirstOrDefault(path => path is not null && File.Exists(path));
        return socketPath is null ? null : new UnixDomainSocketEndPoint(socketPath);
    }
}
