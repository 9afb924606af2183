using System.Diagnostics;
using Currant.Tests.Jobs;

namespace Currant.Tests.Faults;

/// <summary>One result Postgres refuses among many good ones: it must fail alone, and never hold up the others.</summary>
public sealed class PoisonResultFaultTests : FaultFixture
{
    [Test, CancelAfter(120_000)]
    public async Task PoisonResult_AmongAThousandGoodJobs_FailsThatExecutionAloneAndTheRestCompleteWithinSeconds(CancellationToken ct)
    {
        var good = FaultJob.Options(queue: Queue, client: Client);
        var before = await good.QueueMany(Enumerable.Range(0, 500).Select(n => (n, 10)));
        var poison = await PoisonResultJob.Options(queue: Queue, client: Client).Queue(500);
        var after = await good.QueueMany(Enumerable.Range(501, 499).Select(n => (n, 10)));
        var ids = before.Concat(after).Select(h => h.Id).Append(poison.Id).ToArray();

        await StartWorkerAsync(16, Steady, ct);
        await StartWorkerAsync(16, Steady, ct);
        var started = Stopwatch.StartNew();
        await WaitForAsync("the 999 good jobs to complete and the poisoned one to fail", async () =>
            await CountAsync("state = 'completed'") == 999 && await CountAsync($"id = '{poison.Id}' AND state = 'failed'") == 1, TimeSpan.FromSeconds(30), ct);
        Report("poison", $"999 good jobs completed and the poisoned one failed {started.Elapsed.TotalSeconds:0.0} s after the workers started");

        var message = await ScalarAsync<string>("SELECT error->>'message' FROM currant.executions WHERE id = @id", ("id", poison.Id)) ?? "";
        var nonRetryable = await ScalarAsync<string>("SELECT error->>'nonRetryable' FROM currant.executions WHERE id = @id", ("id", poison.Id));
        Report("poison", $"its error: {message}");
        Assert.Multiple(() =>
        {
            Assert.That(message, Does.Match(@"(?i)\bNUL\b|\\u0000|null character|unsupported"), "the error says what Postgres refused");
            Assert.That(nonRetryable, Is.EqualTo("true"), "the same result would be refused again: the error is not retryable");
        });
        await AssertEachFinishedExactlyOnceAsync(ids, poison.Id);
    }
}
