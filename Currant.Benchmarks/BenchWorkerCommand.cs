using System.Diagnostics;
using System.Globalization;
using Currant.CommandLine;

namespace Currant.Benchmarks;

/// <summary>
/// <c>currant bench worker</c> (hidden): one worker process of <c>currant bench --workers N</c>, with the same
/// settings as the worker the bench runs in its own process. It prints <see cref="WorkerProcesses.ReadyLine"/> once
/// it serves its queues and stops gracefully when its standard input ends (see <see cref="WorkerProcesses"/>).
/// </summary>
internal static class BenchWorkerCommand
{
    public static CliCommand Create()
    {
        var queues = new CliOption<string[]>("--queue") { Description = "Queue to serve (repeatable)", Required = true };
        var concurrency = new CliOption<int>("--concurrency") { Description = "Worker concurrency", DefaultValueFactory = () => 16 };
        var command = new CliCommand("worker", "One worker process of 'currant bench --workers N' (internal).") { Hidden = true, Options = { queues, concurrency } };
        command.Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            await using var client = await CurrantCommandLine.ConnectAsync(parse, ct).ConfigureAwait(false);
            var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = parse.GetValue(queues)!, MaxConcurrency = parse.GetValue(concurrency) }, cancellationToken: ct).ConfigureAwait(false);
            await using (worker.ConfigureAwait(false))
            {
                await output.WriteLineAsync(WorkerProcesses.ReadyLine).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
                await WaitForEndOfInputAsync(ct).ConfigureAwait(false);
            }

            var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
            await output.WriteLineAsync(WorkerProcesses.PeakWorkingSetPrefix + peak.ToString("F1", CultureInfo.InvariantCulture)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task WaitForEndOfInputAsync(CancellationToken cancellationToken)
    {
        // A console read cannot be cancelled; after Ctrl+C the process exits with the read still pending.
        var input = Console.OpenStandardInput();
        var ended = Task.Run(async () =>
        {
            var buffer = new byte[256];
            while (await input.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false) > 0)
            {
            }
        }, CancellationToken.None);
        try
        {
            await ended.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
