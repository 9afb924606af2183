namespace Currant.CommandLine;

/// <summary>A mistake in what the user typed; printed as one line, exit code 1.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
