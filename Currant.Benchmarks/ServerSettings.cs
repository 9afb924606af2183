namespace Currant.Benchmarks;

/// <summary>The server settings that decide whether a figure is comparable: durability and version.</summary>
internal sealed record ServerSettings(string Fsync, string SynchronousCommit, string Version);
