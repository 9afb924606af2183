using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Currant.Tests;

/// <summary>
/// A built application run as its own process, from its output folder (so it finds its appsettings.json), with
/// its output kept line by line so a test can wait for a line instead of sleeping, and stopped with SIGTERM as a
/// service manager would.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;

    private AppProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

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

    public static AppProcess Start(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        return new AppProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Runs the application to its end and returns its exit code.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        await using var app = Start(dll, args, environment);
        var exitCode = await app.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(2));
        return (exitCode, app.Output);
    }

    /// <summary>Waits for the first output line that <paramref name="match"/> accepts, seen already or still to come.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        lock (_output)
        {
            foreach (var line in _output.ToString().Split('\n'))
            {
                if (match(line.TrimEnd('\r')))
                {
                    return Task.FromResult(line.TrimEnd('\r'));
                }
            }

            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return Describe(found.Task.WaitAsync(timeout), "a matching line");
        }
    }

    /// <summary>SIGTERM, as systemd, Kubernetes or Ctrl-C would send, then the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(timeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await Describe(_exited.Task.WaitAsync(timeout), "the process to exit");
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    private async Task<T> Describe<T>(Task<T> task, string what)
    {
        try
        {
            return await task;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out waiting for {what}. Output so far:\n{Output}");
        }
    }

    private async Task Describe(Task task, string what)
    {
        try
        {
            await task;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out waiting for {what}. Output so far:\n{Output}");
        }
    }

    private void OnLine(string? line)
    {
        lock (_output)
        {
            if (line is null)
            {
                // Both streams closed: the process (and anything that shared its output) is gone.
                if (--_openStreams == 0)
                {
                    _exited.TrySetResult();
                }

                return;
            }

            _output.AppendLine(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(line);
            }
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
