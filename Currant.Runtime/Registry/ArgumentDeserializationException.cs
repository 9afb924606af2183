namespace Currant;

/// <summary>The queued arguments do not fit the method: the execution fails at once, without retries.</summary>
public sealed class ArgumentDeserializationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ArgumentDeserializationException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
