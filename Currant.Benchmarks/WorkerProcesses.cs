using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Currant.CommandLine;

namespace Currant.Benchmarks;

/// <summary>
/// <c>--workers N</c>: N worker processes (<c>currant bench worker</c>, hidden) on the bench's queues, so the bench
/// process only enqueues and measures.
/// </summary>
/// <remarks>
/// None outlives the bench: each watches its standard input, which the bench holds open and never writes, and shuts
/// down when it ends, which the kernel does when the bench exits for any reason (Ctrl+C, an error, kill -9).
/// Disposing stops them gracefully and kills what is left after a grace period.
/// </remarks>
internal sealed class WorkerProcesses : IAsyncDisposable
{
    public const string ReadyLine = "currant-bench-worker: ready";
    public const string PeakWorkingSetPrefix = "currant-bench-worker: peak working set MB ";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly List<Worker> _workers = [];

    private WorkerProcesses()
    {
    }

    /// <summary>Peak working set of the largest worker process, known once they have stopped.</summary>
    public double? PeakWorkingSetMb { get; private set; }

    public int Count => _workers.Count;

    /// <summary>Starts <paramref name="count"/> workers and returns once each serves <paramref name="queues"/>.</summary>
    public static async Task<WorkerProcesses> StartAsync(int count, string databaseUrl, IReadOnlyList<string> queues, int concurrency, CancellationToken cancellationToken)
    {
        var processes = new WorkerProcesses();
        try
        {
            for (var i = 0; i < count; i++)
            {
                processes._workers.Add(Worker.Start(databaseUrl, queues, concurrency));
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            foreach (var worker in processes._workers)
            {
                await worker.WaitUntilReadyAsync(timeout.Token).ConfigureAwait(false);
            }

            return processes;
        }
        catch
        {
            await processes.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Lets the workers finish what they hold and exit, then reads their peak memory.</summary>
    public async Task StopAsync()
    {
        foreach (var worker in _workers)
        {
            worker.RequestStop();
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        foreach (var worker in _workers)
        {
            await worker.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            if (worker.PeakWorkingSetMb is { } mb && mb > (PeakWorkingSetMb ?? 0))
            {
                PeakWorkingSetMb = mb;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            worker.RequestStop();
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        foreach (var worker in _workers)
        {
            try
            {
                await worker.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
            {
            }

            worker.Dispose();
        }

        _workers.Clear();
    }

    private sealed class Worker : IDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly StringBuilder _errors = new();

        private Worker(Process process)
        {
            _process = process;
        }

        public double? PeakWorkingSetMb { get; private set; }

        public static Worker Start(string databaseUrl, IReadOnlyList<string> queues, int concurrency)
        {
            var info = SelfStartInfo();
            info.ArgumentList.Add("bench");
            info.ArgumentList.Add("worker");
            info.ArgumentList.Add("--concurrency");
            info.ArgumentList.Add(concurrency.ToString(CultureInfo.InvariantCulture));
            foreach (var queue in queues)
            {
                info.ArgumentList.Add("--queue");
                info.ArgumentList.Add(queue);
            }

            // Through the environment, not the command line, where other users of the machine could read a password.
            info.Environment[CurrantEnvironment.DatabaseUrl] = databaseUrl;
            info.RedirectStandardInput = true;
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.UseShellExecute = false;

            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            var worker = new Worker(process);
            process.OutputDataReceived += (_, e) => worker.OnOutput(e.Data);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (worker._errors)
                    {
                        worker._errors.AppendLine(e.Data);
                    }
                }
            };
            process.Exited += (_, _) =>
            {
                process.WaitForExit(); // until its output is read to the end
                worker._ready.TrySetException(new CommandLineException(
                    $"A bench worker process exited before it was ready (exit code {process.ExitCode}): {worker.Errors().Trim()}"));
            };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return worker;
        }

        public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
        {
            try
            {
                await _ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_process.HasExited)
            {
                throw new CommandLineException($"A bench worker process did not start within {StartTimeout.TotalSeconds:N0} s. {Errors().Trim()}");
            }
        }

        public void RequestStop()
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException)
            {
            }
        }

        public async Task WaitForExitAsync(CancellationToken cancellationToken)
        {
            try
            {
                await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
        }

        private void OnOutput(string? line)
        {
            if (line == ReadyLine)
            {
                _ready.TrySetResult();
            }
            else if (line?.StartsWith(PeakWorkingSetPrefix, StringComparison.Ordinal) == true
                && double.TryParse(line.AsSpan(PeakWorkingSetPrefix.Length), CultureInfo.InvariantCulture, out var mb))
            {
                PeakWorkingSetMb = mb;
            }
        }

        private string Errors()
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }

        /// <summary>This program again: the <c>currant</c> apphost, or <c>dotnet currant.dll</c>.</summary>
        private static ProcessStartInfo SelfStartInfo()
        {
            var host = Environment.ProcessPath ?? throw new CommandLineException("--workers: cannot find the path of this program to start workers.");
            var info = new ProcessStartInfo(host);
            if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            {
                info.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location
                    ?? throw new CommandLineException("--workers: cannot find the entry assembly to start workers."));
            }

            return info;
        }
    }
}
