namespace Currant.Generators;

/// <summary>Names of the pipeline steps, so tests can assert each one is cached on an unrelated edit.</summary>
internal static class TrackingNames
{
    /// <summary>One model (or null for an invalid shape) per <c>[Job]</c> class.</summary>
    public const string Jobs = "Currant.Jobs";

    /// <summary>One model (or null for an invalid shape) per <c>[Activity]</c> class.</summary>
    public const string Activities = "Currant.Activities";

    /// <summary>One model (or null for an invalid shape) per <c>[Workflow]</c> class.</summary>
    public const string Workflows = "Currant.Workflows";

    /// <summary>The valid-shaped models of all three kinds, gathered.</summary>
    public const string Candidates = "Currant.Candidates";

    /// <summary>The valid models, duplicates removed, sorted by name.</summary>
    public const string Executions = "Currant.Executions";

    /// <summary>One valid model per generated class file.</summary>
    public const string Execution = "Currant.Execution";

    /// <summary>The sorted entries of the assembly's registry.</summary>
    public const string Registry = "Currant.Registry";
}
