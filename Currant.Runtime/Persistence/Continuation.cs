namespace Currant.Persistence;

/// <summary>The next run of a workflow that continues as new: its id and its arguments (a JSON array).</summary>
internal sealed record Continuation(Guid NextId, string Arguments);
