namespace Currant.Persistence;

/// <summary>An execution with what only its detail page shows: the trace, the timeout and the parent's step.</summary>
internal sealed record ExecutionDetail(ExecutionInfo Info, string? TraceContext, TimeSpan? Timeout, int? ParentSeq);
