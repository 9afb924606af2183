using System.Diagnostics;
using System.Text;

namespace Currant.Tests;

/// <summary>
/// A real worker in its own OS process: the <c>currant</c> tool with <c>worker --assembly Currant.Tests.dll</c>,
/// so crash tests can SIGKILL it.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public static WorkerProcess Start(string connectionString, string queue, int concurrency, IReadOnlyDictionary<string, string>? environment = null)
    {
        var testDirectory = TestContext.CurrentContext.TestDirectory;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RepoPaths.Output("Currant.Cli", "currant.dll"));
        foreach (var arg in new[] { "worker", "--assembly", Path.Combine(testDirectory, "Currant.Tests.dll"), "-q", queue, "-c", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "--database-url", connectionString })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new WorkerProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Worker settings for crash tests: heartbeats every 0.3 s, lost after 2 s, a 0.2 s poll.</summary>
    public static IReadOnlyDictionary<string, string> FastFailover { get; } = new Dictionary<string, string>
    {
        ["CURRANT_WORKER_HEARTBEAT_INTERVAL"] = "0.3",
        ["CURRANT_WORKER_HEARTBEAT_TIMEOUT"] = "2",
        ["CURRANT_WORKER_POLL_INTERVAL"] = "0.2",
    };

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test (with the worker's output) if the worker exits first or time runs out.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (HasExited)
            {
                Assert.Fail($"The worker process exited early:\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out. Worker output:\n{Output}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a machine losing power.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGSTOP: the process stops dead (a long GC pause, a VM migration) and keeps its connections open.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT: a frozen process carries on from where it stopped, unaware of the time it lost.</summary>
    public Task ThawAsync() => SignalAsync("CONT");

    /// <summary>SIGTERM: what an orchestrator sends before it stops a container; the worker shuts down gracefully.</summary>
    public Task TerminateAsync() => SignalAsync("TERM");

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Waits for the process to exit by itself; false if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The end of the output, enough to see what a worker was doing when a test failed: the last
    /// <paramref name="lines"/> distinct lines, each cut to <paramref name="maxLineLength"/> characters, with runs of
    /// the same line (a retry loop's log) shown once with their count.
    /// </summary>
    public string OutputTail(int lines, int maxLineLength = 400)
    {
        var runs = new List<(string Line, int Count)>();
        foreach (var raw in Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var line = raw.TrimEnd('\r');
            line = line.Length <= maxLineLength ? line : line[..maxLineLength] + " [...]";
            if (runs.Count > 0 && runs[^1].Line == line)
            {
                runs[^1] = (line, runs[^1].Count + 1);
            }
            else
            {
                runs.Add((line, 1));
            }
        }

        var tail = runs.TakeLast(lines).Select(r => r.Count == 1 ? r.Line : $"{r.Line}\n    [the line above {r.Count} times in a row]");
        return (runs.Count > lines ? $"[... {runs.Count - lines} earlier lines]\n" : "") + string.Join('\n', tail);
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} {Pid} failed with exit code {kill.ExitCode}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
