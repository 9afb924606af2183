namespace Currant.Tests.Jobs;

/// <summary>
/// Returns a string with a NUL character: System.Text.Json writes it as <c>\u0000</c>, which jsonb refuses
/// ("unsupported Unicode escape sequence"), so the result can never be stored as it is.
/// </summary>
[Job(Queue = "faults", Retries = 5)]
public partial class PoisonResultJob
{
    public async Task<string> ExecuteAsync(int n, CancellationToken ct)
    {
        await FaultEffects.RecordAsync(n, "done", ct);
        return $"poison {n}: before\u0000after";
    }
}
