namespace Currant.Workflows;

/// <summary>A signal stored on arrival and not consumed yet; <see cref="ArrivedAt"/> becomes the workflow time of a wait it completes.</summary>
internal sealed record BufferedSignal(long Id, string Name, string? Payload, DateTime ArrivedAt);
