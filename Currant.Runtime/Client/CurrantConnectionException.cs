namespace Currant;

/// <summary>The database cannot be used: unreachable, wrong credentials, or the Currant schema is missing or old.</summary>
public sealed class CurrantConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CurrantConnectionException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
