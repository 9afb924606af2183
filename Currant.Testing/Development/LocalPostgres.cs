using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Currant.Development;

/// <summary>
/// A throwaway PostgreSQL server started from the binaries installed on this machine, for tests, development and
/// demos. <see cref="StartAsync"/> creates a fresh cluster (trust authentication, UTF8) listening on 127.0.0.1 only;
/// <see cref="DisposeAsync"/> stops it and deletes its files.
/// </summary>
/// <remarks>
/// <para>
/// Every server lives in its own folder under one root, <c>$CURRANT_TMP</c> or <c>/tmp/currant-pg</c>, next to a
/// <see cref="MarkerFileName"/> file naming its port, data directory and processes, so that scripts can find and stop
/// the servers of a process that was killed.
/// </para>
/// <para>
/// A process that exits without disposing still leaves no server behind: a process-exit hook stops it, and a small
/// watchdog shell (Unix) stops it and deletes its folder as soon as the owning process is gone for any reason, even
/// <c>kill -9</c> or Ctrl+C. Ctrl+C is left to the watchdog on purpose: a key-press handler cannot know whether the
/// application (for example the Generic Host) will cancel the key press and shut down gracefully, and pulling the
/// database away during a graceful shutdown would fail the work it is finishing.
/// </para>
/// <para>
/// When running as root, PostgreSQL's tools run as the <c>postgres</c> account (through <c>runuser</c>); without that
/// account start-up fails with a message saying what to install.
/// </para>
/// </remarks>
public sealed class LocalPostgres : IAsyncDisposable
{
    /// <summary>Name of the file, in each server's folder, that describes the server for clean-up scripts.</summary>
    public const string MarkerFileName = "currant-local-pg.pid";

    /// <summary>Environment variable naming the folder under which servers are created (default <c>/tmp/currant-pg</c>).</summary>
    public const string RootVariable = "CURRANT_TMP";

    private const string SuperUser = "postgres";
    private const int MaxPortAttempts = 5;

    // Linux's sun_path holds 108 bytes including the terminator.
    private const int MaxUnixSocketPath = 107;

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private static readonly Lock LiveLock = new();
    private static readonly HashSet<LocalPostgres> Live = [];
    private static bool s_exitHookRegistered;

    private readonly PostgresBinaries _binaries;
    private readonly PostgresOsUser _osUser;
    private readonly string _instanceDirectory;
    private readonly bool _ownsDataDirectory;
    private Process? _watchdog;
    private LocalPostgresOptions _options = new();
    private bool _started;
    private int _disposed;

    private LocalPostgres(PostgresBinaries binaries, PostgresOsUser osUser, string instanceDirectory, string dataDirectory, bool ownsDataDirectory)
    {
        _binaries = binaries;
        _osUser = osUser;
        _instanceDirectory = instanceDirectory;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        ConnectionString = "";
    }

    /// <summary>
    /// Npgsql connection string for the <c>postgres</c> database as the <c>postgres</c> superuser over TCP on
    /// 127.0.0.1, with pooling on. Change <c>Database</c> to reach another database of this server.
    /// </summary>
    public string ConnectionString { get; private set; }

    /// <summary>The TCP port the server listens on (127.0.0.1 only).</summary>
    public int Port { get; private set; }

    /// <summary>The server's data directory: a temporary one unless <see cref="LocalPostgresOptions.DataDirectory"/> was given.</summary>
    public string DataDirectory { get; }

    private string LogFile => Path.Combine(_instanceDirectory, "postgres.log");

    private string MarkerFile => Path.Combine(_instanceDirectory, MarkerFileName);

    /// <summary>
    /// Creates (or reuses, see <see cref="LocalPostgresOptions.DataDirectory"/>) a cluster and starts a server on it.
    /// Takes about a second or two.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The PostgreSQL binaries are missing, or the server could not be initialized or started; the message says why.
    /// </exception>
    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions? options = null, CancellationToken ct = default)
    {
        options ??= new LocalPostgresOptions();
        if (options.Port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be 0 (pick a free one) or a TCP port.");

        var binaries = await PostgresBinaries.LocateAsync(ct).ConfigureAwait(false);
        var osUser = await PostgresOsUser.ResolveAsync(ct).ConfigureAwait(false);
        var instanceDirectory = await CreateInstanceDirectoryAsync(osUser, ct).ConfigureAwait(false);

        var ownsData = options.DataDirectory is null;
        var dataDirectory = ownsData ? Path.Combine(instanceDirectory, "data") : Path.GetFullPath(options.DataDirectory!);
        var server = new LocalPostgres(binaries, osUser, instanceDirectory, dataDirectory, ownsData);
        try
        {
            server.StartWatchdog();
            server.WriteMarker(port: 0);
            await server.InitializeClusterAsync(ct).ConfigureAwait(false);
            await server.StartServerAsync(options, ct).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        Register(server);
        return server;
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>, then <c>immediate</c>) and deletes its temporary files.</summary>
    public ValueTask DisposeAsync() => new(ShutDownAsync(immediate: false));

    /// <summary>
    /// For fault tests: stops the server as a crash would (<c>pg_ctl stop -m immediate</c>: no checkpoint, clients cut
    /// off) and keeps its data directory, port and folder, so <see cref="StartAgainAsync"/> brings the same server back.
    /// </summary>
    internal Task StopImmediatelyAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return StopServerAsync(immediate: true);
    }

    /// <summary>
    /// For fault tests: starts the server again after <see cref="StopImmediatelyAsync"/>, on the same port and data
    /// directory (so connection strings stay valid); it runs crash recovery first.
    /// </summary>
    internal Task StartAgainAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return StartServerAsync(_options with { Port = Port }, ct);
    }

    private async Task ShutDownAsync(bool immediate)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Unregister(this);
        try
        {
            await StopServerAsync(immediate).ConfigureAwait(false);
        }
        finally
        {
            StopWatchdog();
            DeleteDirectory(_instanceDirectory);
        }
    }

    private static async Task<string> CreateInstanceDirectoryAsync(PostgresOsUser osUser, CancellationToken ct)
    {
        var root = Environment.GetEnvironmentVariable(RootVariable);
        root = Path.GetFullPath(string.IsNullOrWhiteSpace(root)
            ? Path.Combine(OperatingSystem.IsWindows() ? Path.GetTempPath() : "/tmp", "currant-pg")
            : root);

        try
        {
            if (!Directory.Exists(root))
            {
                Directory.CreateDirectory(root);
                // Shared like /tmp: every user may add servers, none may delete another's.
                if (!OperatingSystem.IsWindows())
                    TrySetMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.StickyBit);
            }

            osUser.EnsureCanReach(Path.Combine(root, "x"));
            for (var attempt = 0; ; attempt++)
            {
                var instance = Path.Combine(root, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
                if (Directory.Exists(instance) && attempt < 10)
                    continue;
                Directory.CreateDirectory(instance);
                await osUser.TakeOwnershipAsync(instance, ct).ConfigureAwait(false);
                return instance;
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidOperationException(
                $"Cannot create a server folder under '{root}': {e.Message} Set {RootVariable} to a folder you can write to.", e);
        }
    }

    private async Task InitializeClusterAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            return;

        if (!_ownsDataDirectory)
        {
            _osUser.EnsureCanReach(DataDirectory);
            if (!Directory.Exists(DataDirectory))
            {
                Directory.CreateDirectory(DataDirectory);
                await _osUser.TakeOwnershipAsync(DataDirectory, ct).ConfigureAwait(false);
            }
        }

        // --no-sync: a crash during initdb only loses a cluster nobody has used yet.
        var result = await RunToolAsync(
            _binaries.Initdb,
            ["-D", DataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"],
            ToolTimeout,
            ct).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new InvalidOperationException($"initdb failed for '{DataDirectory}' (exit code {result.ExitCode}): {result.Output}");
    }

    private async Task StartServerAsync(LocalPostgresOptions options, CancellationToken ct)
    {
        _options = options;
        // A kept data directory may be in use; never adopt (and later stop) a server this instance did not start.
        var runningPid = RunningPostmasterPid(Path.Combine(DataDirectory, "postmaster.pid"));
        if (runningPid is not null)
        {
            throw new InvalidOperationException(
                $"A PostgreSQL server (pid {runningPid}) is already running on '{DataDirectory}'. Stop it, or use another data directory.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FreeLoopbackPort();
            WriteMarker(port);
            _started = true;
            var result = await RunToolAsync(
                _binaries.PgCtl,
                ["start", "-w", "-t", ((int)ToolTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-D", DataDirectory, "-l", LogFile, "-o", ServerOptions(port, options.Durable)],
                ToolTimeout + TimeSpan.FromSeconds(10),
                ct).ConfigureAwait(false);
            if (result.Succeeded)
            {
                Port = port;
                ConnectionString = BuildConnectionString(port);
                WriteMarker(port);
                return;
            }

            var log = LogTail();
            // Another process may take the free port between our probe and the server's bind.
            var portTaken = log.Contains("could not bind", StringComparison.OrdinalIgnoreCase)
                || log.Contains("already in use", StringComparison.OrdinalIgnoreCase);
            if (options.Port == 0 && portTaken && attempt < MaxPortAttempts)
                continue;

            throw new InvalidOperationException(
                $"PostgreSQL did not start on port {port} (pg_ctl exit code {result.ExitCode}): {result.Output}" +
                (log.Length > 0 ? $"{Environment.NewLine}Server log ({LogFile}):{Environment.NewLine}{log}" : ""));
        }
    }

    private string ServerOptions(int port, bool durable)
    {
        var onOff = durable ? "on" : "off";
        // Without a Unix socket when its path would be too long; clients use TCP anyway.
        var socketDirectory = _instanceDirectory.Length + "/.s.PGSQL.65535".Length <= MaxUnixSocketPath && !OperatingSystem.IsWindows()
            ? _instanceDirectory
            : "";
        return string.Join(' ',
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-k", PostgresOsUser.ShellQuote(socketDirectory),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=" + onOff,
            "-c", "synchronous_commit=" + onOff,
            "-c", "full_page_writes=" + onOff,
            "-c", "max_connections=200",
            "-c", "shared_buffers=" + (durable ? "256MB" : "128MB"));
    }

    private static string BuildConnectionString(int port)
        => $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username={SuperUser};Database=postgres;" +
           "Pooling=true;Maximum Pool Size=50;Timeout=15;Include Error Detail=true";

    private async Task StopServerAsync(bool immediate)
    {
        if (!_started)
            return;
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
            return;

        foreach (var mode in immediate ? ["immediate"] : new[] { "fast", "immediate" })
        {
            try
            {
                var result = await RunToolAsync(
                    _binaries.PgCtl,
                    ["stop", "-D", DataDirectory, "-m", mode, "-w", "-t", ((int)StopTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)],
                    StopTimeout + TimeSpan.FromSeconds(5),
                    CancellationToken.None).ConfigureAwait(false);
                if (result.Succeeded || !File.Exists(pidFile))
                    return;
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                // Fall through to the next, harsher mode.
            }
        }

        KillPostmaster(pidFile);
    }

    private static void KillPostmaster(string pidFile)
    {
        if (RunningPostmasterPid(pidFile) is not { } pid)
            return;
        try
        {
            using var postmaster = Process.GetProcessById(pid);
            postmaster.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone already, or not ours to kill: nothing more can be done here.
        }
    }

    /// <summary>The pid in a postmaster.pid file if that process is alive; a crashed server leaves a stale file.</summary>
    private static int? RunningPostmasterPid(string pidFile)
    {
        try
        {
            if (!File.Exists(pidFile)
                || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                return null;
            }

            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : pid;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private Task<ProcessResult> RunToolAsync(string tool, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        var (fileName, wrapped) = _osUser.Wrap(tool, arguments);
        return ProcessRunner.RunAsync(fileName, wrapped, _instanceDirectory, timeout, ct);
    }

    /// <summary>
    /// Starts a shell that waits on a pipe only this process writes to. The pipe closes when this process ends, however
    /// it ends, and the shell then stops the server and deletes its folder. It ignores the terminal's signals so that a
    /// Ctrl+C sent to the whole process group does not take it down with its owner. It checks three times, two seconds
    /// apart, because an initdb or pg_ctl start the owner launched just before it died runs on and may start a server late.
    /// </summary>
    private void StartWatchdog()
    {
        if (OperatingSystem.IsWindows())
            return;

        var stop = _osUser.ShellCommand(
            _binaries.PgCtl,
            ["stop", "-D", DataDirectory, "-m", _ownsDataDirectory ? "immediate" : "fast", "-w", "-t", "30"]);
        var script = new StringBuilder()
            .Append("trap '' INT HUP QUIT TERM; exec >/dev/null 2>&1; read _ignored; ")
            .Append("for pass in 1 2 3; do ")
            .Append("if [ -f ").Append(PostgresOsUser.ShellQuote(Path.Combine(DataDirectory, "postmaster.pid"))).Append(" ]; then ")
            .Append(stop).Append("; fi; ")
            .Append("[ $pass = 3 ] || sleep 2; done; ")
            .Append("rm -rf ").Append(PostgresOsUser.ShellQuote(_instanceDirectory))
            .ToString();

        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            WorkingDirectory = "/",
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(script);
        _watchdog = Process.Start(startInfo);
    }

    private void StopWatchdog()
    {
        var watchdog = Interlocked.Exchange(ref _watchdog, null);
        if (watchdog is null)
            return;
        try
        {
            watchdog.Kill();
            watchdog.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        finally
        {
            watchdog.Dispose();
        }
    }

    private void WriteMarker(int port)
    {
        var postmasterPid = File.Exists(Path.Combine(DataDirectory, "postmaster.pid"))
            ? File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).FirstOrDefault() ?? ""
            : "";
        var text = new StringBuilder()
            .AppendLine("# A PostgreSQL server started by Currant's LocalPostgres. Scripts read this file to stop servers whose owner died.")
            .Append("owner_pid=").Append(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)).AppendLine()
            .Append("watchdog_pid=").Append(_watchdog?.Id.ToString(CultureInfo.InvariantCulture) ?? "").AppendLine()
            .Append("postmaster_pid=").Append(postmasterPid).AppendLine()
            .Append("port=").Append(port.ToString(CultureInfo.InvariantCulture)).AppendLine()
            .Append("data_dir=").Append(DataDirectory).AppendLine()
            .Append("bin_dir=").Append(_binaries.BinDirectory).AppendLine()
            .Append("os_user=").Append(_osUser.Name ?? "").AppendLine()
            .Append("temporary=").Append(_ownsDataDirectory ? "true" : "false").AppendLine()
            .ToString();
        var temporary = MarkerFile + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, MarkerFile, overwrite: true);
    }

    private string LogTail()
    {
        try
        {
            return File.Exists(LogFile) ? string.Join(Environment.NewLine, File.ReadLines(LogFile).TakeLast(20)) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static void DeleteDirectory(string directory)
    {
        // The server may still be removing its socket and pid files right after pg_ctl returns.
        for (var attempt = 1; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && attempt < 5)
            {
                Thread.Sleep(100 * attempt);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return; // Left for the clean-up scripts; failing a Dispose over it would hide the caller's own error.
            }
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void TrySetMode(string path, UnixFileMode mode)
    {
        try
        {
            File.SetUnixFileMode(path, mode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Created by another user at the same moment; theirs is as good as ours.
        }
    }

    private static void Register(LocalPostgres server)
    {
        lock (LiveLock)
        {
            Live.Add(server);
            if (s_exitHookRegistered)
                return;
            s_exitHookRegistered = true;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAllOnExit();
    }

    private static void Unregister(LocalPostgres server)
    {
        lock (LiveLock)
            Live.Remove(server);
    }

    private static void StopAllOnExit()
    {
        LocalPostgres[] servers;
        lock (LiveLock)
            servers = [.. Live];
        foreach (var server in servers)
        {
            // Immediate is enough for a throwaway cluster that is deleted next; a kept one gets a clean shutdown.
            server.ShutDownAsync(immediate: server._ownsDataDirectory).GetAwaiter().GetResult();
        }
    }
}
