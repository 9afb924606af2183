using Spectre.Console;

namespace Currant.Benchmarks;

/// <summary>A progress bar for one phase of a workload, or nothing when the output is JSON.</summary>
internal static class BenchProgress
{
    public static async Task RunAsync(bool quiet, string title, int total, Func<Action<int>, Task> work)
    {
        if (quiet)
        {
            await work(_ => { }).ConfigureAwait(false);
            return;
        }

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(title, maxValue: total);
                await work(n => task.Value = n).ConfigureAwait(false);
                task.Value = total;
            }).ConfigureAwait(false);
    }
}
