namespace Currant.Workflows;

/// <summary>A signal stored on arrival and not consumed yet.</summary>
internal sealed record BufferedSignal(long Id, string Name, string? Payload);
