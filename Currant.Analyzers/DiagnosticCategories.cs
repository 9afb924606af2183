namespace Currant.Analyzers;

/// <summary>The categories of Currant's rules; each owns one ID range.</summary>
internal static class DiagnosticCategories
{
    /// <summary>CUR1xxx: code that would behave differently when a workflow replays.</summary>
    public const string Determinism = "Currant.Determinism";

    /// <summary>CUR2xxx: [Job]/[Activity]/[Workflow] classes the source generator cannot use.</summary>
    public const string Declaration = "Currant.Declaration";

    /// <summary>CUR3xxx: Currant APIs used where they cannot work.</summary>
    public const string Usage = "Currant.Usage";
}
