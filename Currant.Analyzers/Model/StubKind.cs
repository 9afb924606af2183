namespace Currant.Analyzers.Model;

/// <summary>What a generated stub member does.</summary>
internal enum StubKind
{
    /// <summary>Not a generated stub.</summary>
    None,

    /// <summary><c>Run(...)</c>: an activity or child workflow, recorded in the calling workflow's history.</summary>
    Run,
}
