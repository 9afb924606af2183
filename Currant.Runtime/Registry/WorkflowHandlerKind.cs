namespace Currant;

/// <summary>What a workflow handler answers.</summary>
public enum WorkflowHandlerKind
{
    /// <summary>A <c>[Signal]</c> method.</summary>
    Signal,

    /// <summary>A <c>[Query]</c> method.</summary>
    Query,

    /// <summary>An <c>[Update]</c> method.</summary>
    Update,
}
