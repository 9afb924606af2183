using System;

namespace Currant.Analyzers.Model;

/// <summary>Which Currant attributes a class carries.</summary>
[Flags]
internal enum ExecutionKinds
{
    None = 0,
    Job = 1,
    Activity = 2,
    Workflow = 4,
}
