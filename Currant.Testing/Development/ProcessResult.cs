namespace Currant.Development;

/// <summary>How a helper process ended: its exit code and what it printed (stdout then stderr).</summary>
internal readonly record struct ProcessResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}
