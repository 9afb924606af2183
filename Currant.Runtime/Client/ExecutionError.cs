namespace Currant;

/// <summary>The recorded failure of an execution: the exception's type, message and stack trace.</summary>
public sealed record ExecutionError(string Type, string Message, string? StackTrace, bool NonRetryable = false)
{
    internal static ExecutionError From(Exception exception, bool nonRetryable)
        => new(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception.ToString(), nonRetryable);
}
