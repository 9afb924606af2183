namespace Currant;

/// <summary>
/// A generated, typed entry point: reads the arguments from <paramref name="context"/>, creates the class with its
/// constructor dependencies and calls it. Returns the UTF-8 JSON of the result, or null for a method without one.
/// </summary>
public delegate ValueTask<byte[]?> ExecutionInvoker(InvocationContext context);
