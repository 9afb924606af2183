namespace Currant.Analyzers.Model;

/// <summary>What a generated stub member does.</summary>
internal enum StubKind
{
    /// <summary>Not a generated stub.</summary>
    None,

    /// <summary><c>Run(...)</c>: an activity or child workflow, recorded in the calling workflow's history.</summary>
    Run,

    /// <summary>
    /// <c>Queue(...)</c>/<c>QueueMany(...)</c>: a job or workflow, recorded when called from workflow code, enqueued at
    /// once through the client anywhere else.
    /// </summary>
    Queue,
}
