using Currant.CommandLine;

namespace Currant.Benchmarks;

/// <summary>What <c>currant bench</c> was asked to do, checked.</summary>
internal sealed record BenchSettings
{
    public int Jobs { get; init; }

    /// <summary>Per worker: the in-process one, or each worker process.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Worker processes; 0 runs the worker inside the bench process.</summary>
    public int Workers { get; init; }

    /// <summary>The queues the jobs are spread over, or null for one fresh queue per run.</summary>
    public IReadOnlyList<string>? Queues { get; init; }

    /// <summary>When positive, each job's argument is a string of this many bytes.</summary>
    public int PayloadSize { get; init; }

    /// <summary>Jobs do <see cref="ComputeJob"/>'s CPU-bound work instead of nothing.</summary>
    public bool Compute { get; init; }

    public int Workflows { get; init; }

    /// <summary><c>--activities-per-workflow</c> as given, or null.</summary>
    public int? ActivitiesPerWorkflow { get; init; }

    /// <summary><c>--inline-steps</c> as given, or null: when set, the workflows call <c>Workflow.Step</c> instead of activities.</summary>
    public int? InlineSteps { get; init; }

    public WorkflowStepKind StepKind => InlineSteps is null ? WorkflowStepKind.Activity : WorkflowStepKind.Inline;

    public int StepsPerWorkflow => InlineSteps ?? ActivitiesPerWorkflow ?? DefaultStepsPerWorkflow;

    /// <summary>Five steps, as the peers' DBOS benchmark runs.</summary>
    public const int DefaultStepsPerWorkflow = 5;

    /// <summary>Delayed jobs of the timers workload (its sleeping workflows come with it).</summary>
    public int Timers { get; init; }

    public bool Quiet { get; init; }

    /// <summary><c>--continue-as-new N</c>: the loop's iterations (0: not this workload).</summary>
    public int ContinueAsNew { get; init; }

    /// <summary><c>--iterations-per-run</c>: iterations of the loop per run before it continues as new.</summary>
    public int IterationsPerRun { get; init; } = DefaultIterationsPerRun;

    /// <summary>500 iterations per run, as issue 12's target loop continues.</summary>
    public const int DefaultIterationsPerRun = 500;

    /// <summary>Another workload was asked for (the continue-as-new workload runs alone).</summary>
    public bool OtherWorkloadGiven { get; init; }

    public void Validate()
    {
        if (Jobs < 0 || Workflows < 0)
        {
            throw new CommandLineException($"--jobs and --workflows must be >= 0 (got {Jobs} and {Workflows}).");
        }

        if (Timers < 0)
        {
            throw new CommandLineException($"--timers must be >= 0 (got {Timers}).");
        }

        if (ContinueAsNew < 0 || IterationsPerRun < 1)
        {
            throw new CommandLineException($"--continue-as-new must be >= 0 and --iterations-per-run >= 1 (got {ContinueAsNew} and {IterationsPerRun}).");
        }

        if (ContinueAsNew > 0 && OtherWorkloadGiven)
        {
            throw new CommandLineException("--continue-as-new runs alone, in this process: leave out --jobs, --workflows, --timers and --workers.");
        }

        if (Concurrency < 1)
        {
            throw new CommandLineException($"--concurrency must be >= 1 (got {Concurrency}).");
        }

        if (ActivitiesPerWorkflow is not null && InlineSteps is not null)
        {
            throw new CommandLineException(
                "--activities-per-workflow and --inline-steps choose what a workflow step is (a queued activity or a Workflow.Step call); give one of them.");
        }

        if (ActivitiesPerWorkflow < 1 || InlineSteps < 1)
        {
            var (flag, value) = InlineSteps is { } inline ? ("--inline-steps", inline) : ("--activities-per-workflow", ActivitiesPerWorkflow);
            throw new CommandLineException($"{flag} must be >= 1 (got {value}).");
        }

        if (Workflows == 0 && (ActivitiesPerWorkflow ?? InlineSteps) is not null)
        {
            var flag = InlineSteps is null ? "--activities-per-workflow" : "--inline-steps";
            throw new CommandLineException($"{flag} shapes the workflows workload, which runs only with --workflows N (N >= 1).");
        }

        if (Workers < 0)
        {
            throw new CommandLineException($"--workers must be >= 0 (got {Workers}); 0 runs the worker inside the bench process.");
        }

        if (PayloadSize < 0)
        {
            throw new CommandLineException($"--payload-size must be >= 0 bytes (got {PayloadSize}).");
        }
    }

    /// <summary>Parses <c>--queues a,b</c>: comma-separated, each name non-empty and listed once.</summary>
    public static IReadOnlyList<string>? ParseQueues(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var queues = text.Split(',', StringSplitOptions.TrimEntries);
        if (queues.Any(q => q.Length == 0))
        {
            throw new CommandLineException($"--queues takes comma-separated queue names, none empty (got '{text}'), e.g. --queues emails,reports.");
        }

        if (queues.GroupBy(q => q, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new CommandLineException($"--queues lists '{twice.Key}' twice.");
        }

        return queues;
    }
}
