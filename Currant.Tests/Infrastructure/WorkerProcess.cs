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

    /// <summary>SIGKILL: no shutdown code runs, exactly like a machine losing power.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
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
