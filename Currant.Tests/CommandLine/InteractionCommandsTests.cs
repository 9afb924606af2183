using System.Text.Json;
using Currant.CommandLine;
using Currant.Tests.Interactive;
using Currant.Tests.Jobs;
using Currant.Tests.LongLived;

namespace Currant.Tests.CommandLine;

/// <summary><c>currant query</c>, <c>currant update</c>, and <c>--json</c> on <c>cancel</c>, <c>retry</c> and <c>signal</c>, against a real PostgreSQL.</summary>
public sealed class InteractionCommandsTests : CurrantFixture
{
    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CurrantCommandLine.InvokeAsync([.. args, "--database-url", ConnectionString], output: output, error: error);
        return (code, output.ToString().Trim(), error.ToString());
    }

    [Test]
    public async Task QueryAndUpdate_ReachTheHandlers_AsTextAndJson_WithClearErrors()
    {
        var queue = NewQueue("approvals");
        await using var worker = await StartWorkerAsync(queue);
        var h = await InteractiveApproval.Options(queue: queue, client: Client).Queue("doc-7", 3, 600);
        await WaitForStateAsync(h.Id, "suspended");
        var id = h.Id.ToString();

        var added = await RunAsync("update", id, "AddApprover", "--args", "\"ana\"");
        Assert.That((added.Code, added.Out), Is.EqualTo((0, "1")), added.Err);

        var rejected = await RunAsync("update", id, "AddApprover", "--args", "\"ana\"", "--json");
        Assert.That(rejected.Code, Is.EqualTo(1));
        using (var doc = JsonDocument.Parse(rejected.Out))
        {
            Assert.That(doc.RootElement.GetProperty("state").GetString(), Is.EqualTo("rejected"));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("message").GetString(), Does.Contain("'ana' cannot approve"));
            Assert.That(doc.RootElement.GetProperty("updateId").GetString(), Is.Not.Empty);
        }

        var rejectedText = await RunAsync("update", id, "AddApprover", "--args", "\"ana\"");
        Assert.That(rejectedText.Code, Is.EqualTo(1));
        Assert.That(rejectedText.Err, Does.StartWith("error: ").And.Contain("was rejected: 'ana' cannot approve"));

        var withId = await RunAsync("update", id, "AddApprover", "--args", "\"bo\"", "--update-id", "u-bo", "--json");
        var again = await RunAsync("update", id, "AddApprover", "--args", "\"bo\"", "--update-id", "u-bo", "--json");
        foreach (var run in new[] { withId, again })
        {
            Assert.That(run.Code, Is.Zero, run.Err);
            using var doc = JsonDocument.Parse(run.Out);
            Assert.That(doc.RootElement.GetProperty("workflowId").GetGuid(), Is.EqualTo(h.Id));
            Assert.That(doc.RootElement.GetProperty("update").GetString(), Is.EqualTo("AddApprover"));
            Assert.That(doc.RootElement.GetProperty("updateId").GetString(), Is.EqualTo("u-bo"));
            Assert.That(doc.RootElement.GetProperty("state").GetString(), Is.EqualTo("completed"));
            Assert.That(doc.RootElement.GetProperty("result").GetInt32(), Is.EqualTo(2), "the same update id returns the first result");
        }

        var status = await RunAsync("query", id, "Status");
        Assert.That((status.Code, status.Out), Is.EqualTo((0, "\"waiting for doc-7\"")), status.Err);
        var count = await RunAsync("query", id, "count", "--json");
        Assert.That(count.Code, Is.Zero, count.Err);
        using (var doc = JsonDocument.Parse(count.Out))
        {
            Assert.That(doc.RootElement.GetProperty("query").GetString(), Is.EqualTo("count"));
            Assert.That(doc.RootElement.GetProperty("result").GetInt32(), Is.EqualTo(2), "ana and bo, the repeated update not counted twice");
        }

        var badJson = await RunAsync("update", id, "AddApprover", "--args", "{nope");
        Assert.That((badJson.Code, badJson.Err.Contains("not valid JSON", StringComparison.Ordinal)), Is.EqualTo((1, true)), badJson.Err);
        var badTimeout = await RunAsync("query", id, "Status", "--timeout", "soon");
        Assert.That(badTimeout.Code, Is.EqualTo(1));
        Assert.That(badTimeout.Err, Does.Contain("--timeout"));
        var unknownWorkflow = await RunAsync("query", Guid.CreateVersion7().ToString(), "Status");
        Assert.That(unknownWorkflow.Code, Is.EqualTo(1));
        Assert.That(unknownWorkflow.Err, Does.Contain("No workflow with id"));

        await h.Signals.Approve("cy");
        Assert.That(await h.GetResultAsync(Wait), Is.EqualTo("approved:ana,bo,cy"));
    }

    [Test]
    public async Task Query_WhenNoWorkerServesTheQueue_FailsWithExitCodeOneNamingTheQueue()
    {
        var queue = NewQueue("nobody");
        var h = await InteractiveApproval.Options(queue: queue, client: Client).Queue("doc-8", 1, 600);

        var (code, _, err) = await RunAsync("query", h.Id.ToString(), "Status", "--json");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(err, Does.Contain(queue));
    }

    [Test]
    public async Task CancelRetrySignal_WithJson_PrintTheExecutionAfterwardsLikeStatusJson()
    {
        var pending = await Greet.Options(queue: NewQueue(), client: Client).Queue("cancel me");
        var cancelled = await RunAsync("cancel", pending.Id.ToString(), "--json");
        Assert.That(cancelled.Code, Is.Zero, cancelled.Err);
        var status = await RunAsync("status", pending.Id.ToString(), "--json");
        Assert.That(cancelled.Out, Is.EqualTo(status.Out), "the same document as status --json");
        using (var doc = JsonDocument.Parse(cancelled.Out))
        {
            Assert.That(doc.RootElement.GetProperty("state").GetString(), Is.EqualTo("cancelled"));
        }

        var again = await RunAsync("cancel", pending.Id.ToString(), "--json");
        Assert.That(again.Code, Is.EqualTo(1));
        Assert.That(again.Err, Does.Contain("already finished (cancelled)"));

        var queue = NewQueue();
        var key = NewKey();
        ExecutionHandle<int> flaky;
        await using (var worker = await StartWorkerAsync(queue))
        {
            flaky = await Flaky.Options(queue: queue, retries: 0, client: Client).Queue(key, 1);
            await Assert.ThrowsAsync<ExecutionFailedException>(async () => await flaky.GetResultAsync(Wait));
        }

        var retried = await RunAsync("retry", flaky.Id.ToString(), "--json");
        Assert.That(retried.Code, Is.Zero, retried.Err);
        using (var doc = JsonDocument.Parse(retried.Out))
        {
            Assert.That(doc.RootElement.GetProperty("id").GetGuid(), Is.EqualTo(flaky.Id));
            Assert.That(doc.RootElement.GetProperty("state").GetString(), Is.EqualTo("pending"), "no worker serves the queue now");
        }
    }

    [Test]
    public async Task Signal_WithJson_NamesTheRunThatStoredIt_TheLastOfAContinueAsNewChain()
    {
        var queue = NewQueue("chain");
        await using var worker = await StartWorkerAsync(queue);
        var h = await ChainedTally.Options(queue: queue, client: Client).Queue(0, 1, 0);
        await WaitForStateAsync(h.Id, "suspended");

        var first = await RunAsync("signal", h.Id.ToString(), "Next", "\"first\"", "--json");
        Assert.That(first.Code, Is.Zero, first.Err);
        using (var doc = JsonDocument.Parse(first.Out))
        {
            Assert.That(doc.RootElement.GetProperty("workflowId").GetGuid(), Is.EqualTo(h.Id));
            Assert.That(doc.RootElement.GetProperty("runId").GetGuid(), Is.EqualTo(h.Id));
            Assert.That(doc.RootElement.GetProperty("signal").GetString(), Is.EqualTo("Next"));
            Assert.That(doc.RootElement.GetProperty("payload").GetString(), Is.EqualTo("first"), "the payload embedded as JSON");
        }

        var deadline = DateTime.UtcNow + Wait;
        while ((await Client.GetExecutionAsync(h.Id))!.ContinuedTo is not { } next || (await Client.GetExecutionAsync(next))!.State != ExecutionState.Suspended)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out waiting for run 1");
            await Task.Delay(25);
        }

        var second = (await Client.GetExecutionAsync(h.Id))!.ContinuedTo!.Value;
        var toChain = await RunAsync("signal", h.Id.ToString(), "Next", "\"done\"", "--json");
        Assert.That(toChain.Code, Is.Zero, toChain.Err);
        using (var doc = JsonDocument.Parse(toChain.Out))
        {
            Assert.That(doc.RootElement.GetProperty("runId").GetGuid(), Is.EqualTo(second));
        }

        Assert.That(await h.GetResultAsync(Wait), Is.Zero);
    }

    private async Task WaitForStateAsync(Guid id, string state)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (await ScalarAsync<string>("SELECT state FROM currant.executions WHERE id = @id", ("id", id)) != state)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"timed out waiting for {state}");
            await Task.Delay(25);
        }
    }
}
