namespace Currant;

/// <summary>Throw this (or wrap another exception in it) to fail an execution at once, without retries.</summary>
public class NonRetryableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonRetryableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
