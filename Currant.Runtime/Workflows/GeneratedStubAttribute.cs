using System.ComponentModel;

namespace Currant;

/// <summary>
/// Marks a member the source generator wrote as a <c>Run</c> or <c>Queue</c>/<c>QueueMany</c> stub, so the analyzers
/// recognise generated stubs by this attribute, not by name. Not for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class GeneratedStubAttribute(GeneratedStubKind kind) : Attribute
{
    /// <summary>What the stub does.</summary>
    public GeneratedStubKind Kind { get; } = kind;
}
