using Currant.CommandLine;

namespace Currant.Tests.CommandLine;

/// <summary>The text the CLI prints: columns that stay aligned for any name length, and correct grammar.</summary>
public sealed class CliOutputTests
{
    [Test]
    public void HistoryTable_WithNamesLongerThan22Characters_KeepsEveryColumnAligned()
    {
        var now = DateTimeOffset.UtcNow;
        var workflow = new ExecutionInfo { Id = Guid.NewGuid(), Kind = ExecutionKind.Workflow, Name = "W", Queue = "q", State = ExecutionState.Completed };
        var rows = new[]
        {
            new HistoryRow(0, "activity", "Short", "completed", null, "1", null, now, now, null, null),
            new HistoryRow(1, "activity", "ChargeTheCustomersCreditCardNow", "completed", null, "2", null, now, now, null, null),
            new HistoryRow(2, "signal", "an-extremely-long-signal-name-for-approval", "completed", null, "3", null, now, now, null, null),
        };

        var lines = HistoryText.Table(workflow, rows).Split('\n').Skip(1).ToArray();

        var stateColumn = lines[0].IndexOf("STATE", StringComparison.Ordinal);
        Assert.That(lines.Skip(1).Select(l => l.IndexOf("completed", StringComparison.Ordinal)), Is.All.EqualTo(stateColumn));
        Assert.That(lines[2], Does.Contain("ChargeTheCustomersCreditCardNow "));
        Assert.That(lines[3], Does.Contain("an-extremely-long-signal-name-for-approval "));
    }

    [Test]
    public void ListTable_WithLongNamesAndQueues_NeverCutsThemAndKeepsColumnsAligned()
    {
        var now = DateTimeOffset.UtcNow;
        ExecutionInfo Row(string name, string queue) => new()
        {
            Id = Guid.NewGuid(), Kind = ExecutionKind.Job, Name = name, Queue = queue, State = ExecutionState.Pending, CreatedAt = now, ScheduledAt = now, MaxAttempts = 1,
        };

        var lines = ExecutionText.Table([Row("A", "q"), Row("SendTheWeeklyDigestToEverySubscriber", "emails-with-a-long-queue-name")]).Split('\n');

        var stateColumn = lines[0].IndexOf("STATE", StringComparison.Ordinal);
        Assert.That(lines.Skip(1).Select(l => l.IndexOf("pending", StringComparison.Ordinal)), Is.All.EqualTo(stateColumn));
        Assert.That(lines[2], Does.Contain("SendTheWeeklyDigestToEverySubscriber ").And.Contain("emails-with-a-long-queue-name "));
    }

    [TestCase(ExecutionKind.Job, "a job")]
    [TestCase(ExecutionKind.Activity, "an activity")]
    [TestCase(ExecutionKind.Workflow, "a workflow")]
    [TestCase(ExecutionKind.Timer, "a timer")]
    public void WithArticle_UsesTheRightArticle(ExecutionKind kind, string expected)
        => Assert.That(ExecutionText.WithArticle(kind), Is.EqualTo(expected));
}
