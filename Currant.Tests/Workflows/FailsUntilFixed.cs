using Currant.Tests.Jobs;

namespace Currant.Tests.Workflows;

/// <summary>
/// Fails after its first activity until its key is marked fixed: a bug, the deploy that fixes it, then a retry.
/// The probe read stands in for the fixed code, as <see cref="Drifting"/>'s static switch does.
/// </summary>
[Workflow(Queue = "wf")]
public partial class FailsUntilFixed
{
    public const string FixedNote = "fixed";

    public async Task<string> RunAsync(string key)
    {
        var echoed = await Echo.Run(key, "before", 0);
#pragma warning disable CUR1008 // Depends on outside state on purpose: the fix deployed between the failure and the retry.
        if (!Probe.Of(key).Any(e => e.Note == FixedNote))
#pragma warning restore CUR1008
        {
            throw new InvalidOperationException("Not fixed yet.");
        }

        return echoed;
    }
}
