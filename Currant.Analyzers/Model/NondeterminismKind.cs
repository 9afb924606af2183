namespace Currant.Analyzers.Model;

/// <summary>Why an API is banned from workflow code; each maps to one rule (the outside-world kinds share CUR1007).</summary>
internal enum NondeterminismKind
{
    /// <summary>An exception to a type-wide ban (e.g. <c>Environment.NewLine</c>).</summary>
    Allowed,
    WallClock,
    Randomness,
    RealTimeWait,
    Threading,
    BlockingWait,
    FileSystem,
    Network,
    Database,
    MachineFacts,
    ConsoleInput,
    Process,

    /// <summary>Pipes and memory-mapped files: state shared with other processes (CUR1007).</summary>
    InterProcess,

    /// <summary>The current culture, read directly or through culture-sensitive formatting and parsing (CUR1009).</summary>
    Culture,
}
