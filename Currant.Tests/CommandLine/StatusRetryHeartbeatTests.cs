using System.Text.Json;
using Currant.CommandLine;
using Currant.Tests.Jobs;

namespace Currant.Tests.CommandLine;

/// <summary><c>currant status</c> shows a job's retry policy and its last heartbeat (time and details).</summary>
public sealed class StatusRetryHeartbeatTests : CurrantFixture
{
    private async Task<(int Code, string Out)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await CurrantCommandLine.InvokeAsync([.. args, "--database-url", ConnectionString], output: output, error: new StringWriter());
        return (code, output.ToString());
    }

    [Test]
    public async Task Status_OfARetriedJob_ShowsItsPolicyAndLastHeartbeat()
    {
        var queue = NewQueue();
        await using var worker = await StartWorkerAsync(queue);
        var handle = await BeatThenFail.Options(queue: queue, client: Client, heartbeatTimeout: TimeSpan.FromSeconds(30),
            retryPolicy: new RetryPolicy(backoffCoefficient: 1.5, nonRetryableErrorTypes: ["System.FormatException"])).Queue(NewKey(), 12);
        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo(12));

        var (code, text) = await RunAsync("status", handle.Id.ToString());

        Assert.That(code, Is.Zero);
        Assert.That(text, Does.Contain("retry        delay 0.05 s, backoff x1.5, non-retryable: System.FormatException"));
        Assert.That(text, Does.Contain("heartbeat    timeout 30 s"));
        Assert.That(text, Does.Match(@"last beat\s+\d{4}-\d\d-\d\d[ T][0-9:.]+.*\s12\n?"));

        var (jsonCode, json) = await RunAsync("status", handle.Id.ToString(), "--json");
        Assert.That(jsonCode, Is.Zero);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("retryPolicy").GetProperty("initialDelaySeconds").GetDouble(), Is.EqualTo(0.05));
        Assert.That(root.GetProperty("retryPolicy").GetProperty("backoffCoefficient").GetDouble(), Is.EqualTo(1.5));
        Assert.That(root.GetProperty("retryPolicy").GetProperty("maximumDelaySeconds").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(root.GetProperty("heartbeatTimeoutSeconds").GetDouble(), Is.EqualTo(30));
        Assert.That(root.GetProperty("heartbeatDetails").GetInt32(), Is.EqualTo(12));
        Assert.That(root.GetProperty("heartbeatAt").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5)));
    }

    [Test]
    public async Task Status_OfAJobWithoutPolicyOrHeartbeat_ShowsNeither()
    {
        var handle = await Greet.Options(queue: NewQueue(), client: Client).Queue("plain");

        var (_, text) = await RunAsync("status", handle.Id.ToString());
        var (_, json) = await RunAsync("status", handle.Id.ToString(), "--json");

        Assert.That(text, Does.Not.Contain("retry ").And.Not.Contain("heartbeat").And.Not.Contain("last beat"));
        using var doc = JsonDocument.Parse(json);
        Assert.That(doc.RootElement.GetProperty("retryPolicy").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(doc.RootElement.GetProperty("heartbeatDetails").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }
}
