using Currant.CommandLine;
using Currant.Persistence;
using Currant.Tests.Jobs;

namespace Currant.Tests.Workflows;

/// <summary>
/// A workflow's activations are not attempts: they are counted apart and never spend its attempts. Activities run as
/// their own rows here (not inside the activation), so each outcome wakes the workflow for one more activation.
/// </summary>
public sealed class WorkflowAttemptTests : CurrantFixture
{
    private Task<CurrantWorker> StartWakingWorkerAsync(string queue) => StartWorkerAsync(queue, configure: o => o with { ActivitiesInActivation = false });

    [Test]
    public async Task Workflow_WithFiveSequentialActivitiesAndOneAttempt_CompletesOnItsFirstAttempt()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWakingWorkerAsync(queue);

        var handle = await Chain.Options(queue: queue, retries: 0, client: Client).Queue(NewKey(), 5);
        var result = await handle.GetResultAsync(Wait);

        Assert.That(result.Outputs, Has.Count.EqualTo(5));
        var info = await handle.GetStatusAsync();
        Assert.That(info.State, Is.EqualTo(ExecutionState.Completed));
        Assert.That(info.MaxAttempts, Is.EqualTo(1));
        Assert.That(info.Attempt, Is.EqualTo(1), "activations are not attempts");
        Assert.That(info.Activations, Is.GreaterThanOrEqualTo(6), "the start and one wake-up per activity result");
    }

    [Test]
    public async Task Status_OfAWorkflow_ShowsItsAttemptAndItsActivationsApart()
    {
        var queue = NewQueue("wf");
        await using var worker = await StartWakingWorkerAsync(queue);
        var handle = await Chain.Options(queue: queue, client: Client).Queue(NewKey(), 3);
        await handle.GetResultAsync(Wait);
        var activations = (await handle.GetStatusAsync()).Activations;

        var (code, text) = await RunAsync("status", handle.Id.ToString());
        var (_, json) = await RunAsync("status", handle.Id.ToString(), "--json");
        var (_, table) = await RunAsync("list", "--queue", queue);

        Assert.That(code, Is.Zero);
        Assert.That(activations, Is.GreaterThanOrEqualTo(4));
        Assert.That(text, Does.Contain("attempt      1 of 4\n").And.Contain($"activations  {activations}\n"));
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.That(doc.RootElement.GetProperty("attempt").GetInt32(), Is.EqualTo(1));
        Assert.That(doc.RootElement.GetProperty("activations").GetInt32(), Is.EqualTo(activations));
        Assert.That(table, Does.Contain("ACT").And.Match($@"workflow .* 1/4 +{activations}  "));
    }

    [Test]
    public async Task Status_OfAJob_ShowsNoActivations()
    {
        var handle = await Greet.Options(queue: NewQueue(), client: Client).Queue("job");

        var (_, text) = await RunAsync("status", handle.Id.ToString());
        var (_, json) = await RunAsync("status", handle.Id.ToString(), "--json");

        Assert.That(text, Does.Contain("attempt").And.Not.Contain("activations"));
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.That(doc.RootElement.GetProperty("activations").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
    }

    [Test]
    public async Task Workflow_RetriedAfterFailing_IsOnItsSecondAttempt()
    {
        var queue = NewQueue("wf");
        var key = NewKey();
        await using var worker = await StartWakingWorkerAsync(queue);
        var handle = await FailsUntilFixed.Options(queue: queue, client: Client).Queue(key);
        await Assert.ThrowsAsync<ExecutionFailedException>(async () => await handle.GetResultAsync(Wait));
        var failed = await handle.GetStatusAsync();

        Probe.Record(key, FailsUntilFixed.FixedNote);
        Assert.That(await Client.RetryAsync(handle.Id), Is.True);

        Assert.That(await handle.GetResultAsync(Wait), Is.EqualTo("BEFORE"));
        var retried = await handle.GetStatusAsync();
        Assert.That(failed.Attempt, Is.EqualTo(1));
        Assert.That(failed.Activations, Is.GreaterThanOrEqualTo(2), "the start and the activity's result");
        Assert.That(retried.Attempt, Is.EqualTo(2));
        Assert.That(retried.Activations, Is.GreaterThan(failed.Activations));
        Assert.That(Probe.Of(key).Count(e => e.Note == "end:before"), Is.EqualTo(1), "the retry replays the recorded activity");
    }

    [Test]
    public async Task HandBack_OfAClaimedWorkflow_KeepsItsAttemptAndNeverReusesItsFenceToken()
    {
        // A workflow row claimed by a worker that exists only here, so these statements are its only writers.
        var queue = NewQueue("wf");
        var workerId = Guid.CreateVersion7();
        var id = Guid.CreateVersion7();
        await ScalarAsync<object>("""
            INSERT INTO currant.executions (id, kind, name, queue, max_attempts) VALUES (@id, 'workflow', 'Handmade', @queue, 1);
            SELECT 1
            """, ("id", id), ("queue", queue));
        await using var session = Client.Store.OpenClaimSession();

        var first = (await session.ClaimAsync(workerId, [queue], 1, keepSlot: null, CancellationToken.None)).Rows.Single();
        var handedBack = await Client.Store.CompleteAsync(workerId, [Completion.Release(id, first.Fence)], CancellationToken.None);
        var second = (await session.ClaimAsync(workerId, [queue], 1, keepSlot: null, CancellationToken.None)).Rows.Single();
        var late = await Client.Store.CompleteAsync(workerId, [new Completion(id, first.Fence, ExecutionState.Completed, "1", null, null, false)], CancellationToken.None);
        await Client.Store.ReleaseAllAsync(workerId, CancellationToken.None);
        var info = (await Client.GetExecutionAsync(id))!;

        Assert.That((first.Attempt, first.Activation, first.Fence), Is.EqualTo((1, 1, 1)));
        Assert.That(handedBack, Does.Contain(id));
        Assert.That((second.Attempt, second.Activation, second.Fence), Is.EqualTo((1, 2, 2)), "a hand-back leaves the attempt; the token moves on");
        Assert.That(late, Is.Empty, "a write under the old token is fenced out");
        Assert.That(info.State, Is.EqualTo(ExecutionState.Pending), "released at shutdown");
        Assert.That((info.Attempt, info.Activations), Is.EqualTo((1, 2)), "shutdown spends no attempt and lowers no token");
    }

    private async Task<(int Code, string Out)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await CurrantCommandLine.InvokeAsync([.. args, "--database-url", ConnectionString], output: output, error: new StringWriter());
        return (code, output.ToString());
    }
}
