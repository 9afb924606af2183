namespace Currant.Testing;

/// <summary>Where replayed code parted from its history.</summary>
/// <param name="Step">The step (sequence number) of the call; negative for a version marker, null when unknown.</param>
/// <param name="Expected">The call the history recorded there, e.g. <c>activity 'ChargeCard'</c>.</param>
/// <param name="Found">What the code does there now, e.g. <c>timer 'sleep'</c> or <c>the workflow returns</c>.</param>
/// <param name="SourceFile">The workflow source file making the divergent call (null without symbols, or when the code made no call).</param>
/// <param name="SourceLine">Its line (1-based).</param>
/// <param name="Member">The workflow method making the call, e.g. <c>Shop.ProcessOrder.RunAsync</c>.</param>
/// <param name="Message">The full message the worker would park the workflow with.</param>
public sealed record ReplayDivergence(int? Step, string Expected, string Found, string? SourceFile, int? SourceLine, string? Member, string Message)
{
    /// <summary>One line: <c>step 2: expected activity 'A', found activity 'B' at Flow.cs:31 (Flow.RunAsync)</c>.</summary>
    public override string ToString()
    {
        var where = SourceFile is null ? "" : $" at {SourceFile}:{SourceLine}{(Member is null ? "" : $" ({Member})")}";
        var step = Step is { } s ? $"step {s}: " : "";
        return $"{step}expected {Expected}, found {Found}{where}";
    }
}
