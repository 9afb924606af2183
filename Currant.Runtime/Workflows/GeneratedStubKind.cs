using System.ComponentModel;

namespace Currant;

/// <summary>What a <see cref="GeneratedStubAttribute"/> member does. Not for direct use.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum GeneratedStubKind
{
    /// <summary><c>Run(...)</c>: an activity or child workflow, recorded in the calling workflow's history; only valid in workflow code.</summary>
    Run = 1,

    /// <summary><c>Queue(...)</c>/<c>QueueMany(...)</c>: recorded when called from workflow code, enqueued through the client anywhere else.</summary>
    Queue = 2,
}
