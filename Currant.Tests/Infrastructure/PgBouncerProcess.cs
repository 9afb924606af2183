using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Currant.Tests;

/// <summary>
/// A real PgBouncer (Debian's package, 1.18 on the CI image) in transaction-pooling mode in front of the test server,
/// on a free loopback port in 56180-56199, from a generated ini and auth file. Stopped by its pid on dispose.
/// </summary>
public sealed class PgBouncerProcess : IAsyncDisposable
{
    private const int FirstPort = 56180;
    private const int LastPort = 56199;
    private static readonly string[] Locations = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"];

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log;

    private PgBouncerProcess(Process process, string directory, StringBuilder log, int port)
    {
        _process = process;
        _directory = directory;
        _log = log;
        Port = port;
    }

    public int Port { get; }

    /// <summary>What PgBouncer printed so far (for assertion messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary><paramref name="direct"/> with its host and port replaced by this PgBouncer's.</summary>
    public string Through(string direct) => new NpgsqlConnectionStringBuilder(direct) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    public static async Task<PgBouncerProcess> StartAsync(string serverConnectionString)
    {
        var binary = Locations.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            "pgbouncer is not installed: apt-get install -y pgbouncer (.ci/run installs it when missing).");
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString);
        var root = Environment.GetEnvironmentVariable("CURRANT_TMP") is { Length: > 0 } tmp ? tmp : "/tmp/currant-pg";
        var directory = Path.Combine(root, $"pgbouncer-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        // PgBouncer refuses to run as root: it switches to the postgres account (-u), which must read these files.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }

        var user = server.Username ?? "postgres";
        var authFile = Path.Combine(directory, "users.txt");
        await File.WriteAllTextAsync(authFile, $"\"{user}\" \"{server.Password ?? ""}\"\n");
        var asRoot = Environment.IsPrivilegedProcess;

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = FreePort();
            var ini = Path.Combine(directory, "pgbouncer.ini");
            await File.WriteAllTextAsync(ini, string.Join('\n',
                "[databases]",
                $"* = host={server.Host} port={server.Port.ToString(CultureInfo.InvariantCulture)}",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                $"listen_port = {port.ToString(CultureInfo.InvariantCulture)}",
                "unix_socket_dir =",
                $"auth_type = {(string.IsNullOrEmpty(server.Password) ? "trust" : "md5")}",
                $"auth_file = {authFile}",
                "pool_mode = transaction",
                "max_client_conn = 400",
                "default_pool_size = 20",
                "server_reset_query =",
                // Nothing else: no ignore_startup_parameters, so a startup option is refused as users of the package see it.
                ""));
            var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (asRoot)
            {
                info.ArgumentList.Add("-u");
                info.ArgumentList.Add("postgres");
            }

            info.ArgumentList.Add(ini);
            var log = new StringBuilder();
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, e) => Append(log, e.Data);
            process.ErrorDataReceived += (_, e) => Append(log, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var bouncer = new PgBouncerProcess(process, directory, log, port);
            if (await bouncer.WaitUntilListeningAsync())
            {
                return bouncer;
            }

            await bouncer.StopAsync();
        }

        throw new InvalidOperationException($"PgBouncer did not start on any port in {FirstPort}-{LastPort}.");
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private async Task<bool> WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                TestContext.Progress.WriteLine($"PgBouncer exited ({_process.ExitCode}): {Log}");
                return false;
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        return false;
    }

    private static int FreePort()
    {
        var start = Random.Shared.Next(FirstPort, LastPort + 1);
        for (var i = 0; i <= LastPort - FirstPort; i++)
        {
            var port = FirstPort + ((start - FirstPort + i) % (LastPort - FirstPort + 1));
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException($"No free port in {FirstPort}-{LastPort} for PgBouncer.");
    }

    private async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
