namespace Currant.Tests.Interactive;

/// <summary>QueueMany of a workflow with [Signal]/[Query]/[Update] handlers returns its generated typed handles, from a client and from workflow code.</summary>
public sealed class QueueManyHandleTests : CurrantFixture
{
    [Test]
    public async Task QueueMany_FromAClient_ReturnsTypedHandlesInInputOrder()
    {
        var queue = NewQueue("approvals");
        await using var worker = await StartWorkerAsync(queue);

        IReadOnlyList<InteractiveApproval.Handle> handles = await InteractiveApproval.Options(queue: queue, client: Client)
            .QueueMany([("doc-a", 1, 600), ("doc-b", 1, 600)]);

        Assert.That(handles, Has.Count.EqualTo(2));
        await handles[1].Signals.Approve("bo");
        await handles[0].Signals.Approve("ana");
        Assert.That(await handles[0].GetResultAsync(Wait), Is.EqualTo("approved:ana"));
        Assert.That(await handles[1].GetResultAsync(Wait), Is.EqualTo("approved:bo"));
        Assert.That((await Client.GetExecutionAsync(handles[0].Id))!.Arguments, Does.Contain("doc-a"), "input order");
    }

    [Test]
    public async Task QueueMany_FromWorkflowCode_ReturnsTypedHandlesItCanSignalThrough()
    {
        var queue = NewQueue("fan");
        await using var worker = await StartWorkerAsync(queue);
        var parent = await InteractiveFanOut.Options(queue: queue, client: Client).Queue(queue, 3);

        var ids = await parent.GetResultAsync(Wait);

        Assert.That(ids, Has.Count.EqualTo(3));
        for (var i = 0; i < ids.Count; i++)
        {
            var child = InteractiveCollector.GetHandle(ids[i], Client);
            await child.SignalAsync("note", "n");
            Assert.That(await child.GetResultAsync(Wait), Is.EqualTo($"{i + 1}|-|n"), "each child got its own typed signal");
        }
    }
}
