using System.Diagnostics;
using Currant;

namespace GoodWorkflow;

/// <summary>Jobs and activities are not workflow code: the regular .NET API is fine here.</summary>
[Job(Queue = "emails", Retries = 3)]
public partial class SendWelcome(HttpClient http)
{
    public async Task<string> ExecuteAsync(string email, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromMilliseconds(1), ct).ConfigureAwait(false);
        var body = await http.GetStringAsync(new Uri("http://localhost/welcome"), ct).ConfigureAwait(false);
        return $"{email} {body.Length} {DateTime.UtcNow:O} {Guid.NewGuid()} {watch.ElapsedMilliseconds}";
    }
}

[Activity(Retries = 2, Timeout = 30)]
public partial class LoadProfile
{
    public async Task<string> ExecuteAsync(string email, CancellationToken ct)
        => await File.ReadAllTextAsync(Path.Combine(Path.GetTempPath(), email + ".json"), ct).ConfigureAwait(false);
}
