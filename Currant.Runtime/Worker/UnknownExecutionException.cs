namespace Currant;

/// <summary>A claimed execution names no definition this worker knows; it fails without retries.</summary>
public sealed class UnknownExecutionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnknownExecutionException(string message) : base(message)
    {
    }
}
