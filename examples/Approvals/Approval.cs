using Currant;

namespace Approvals;

/// <summary>
/// DESIGN.md §2.1: a document waits for enough approvers (signals and updates), tells anyone who asks how far it
/// got (a query), and expires after a week (WaitUntil with a durable timer).
/// </summary>
[Workflow(Queue = "approvals")]
public partial class Approval
{
    private readonly List<string> _approvers = [];
    private string _status = "waiting";

    public async Task<string> RunAsync(string documentId, int needed)
    {
        var enough = await Workflow.WaitUntil(() => _approvers.Count >= needed, TimeSpan.FromDays(7)); // false on timeout
        _status = enough ? "approved" : "expired";
        return $"{documentId} {_status} by {string.Join(", ", _approvers)}";
    }

    [Signal] public void Approve(string who) => _approvers.Add(who);            // runs on the workflow's scheduler

    [Query] public string Status() => $"{_status} ({_approvers.Count} approvals)"; // read-only, never recorded

    [Update] public int AddApprover(string who) { _approvers.Add(who); return _approvers.Count; } // durable, returns to the caller

    [UpdateValidator(nameof(AddApprover))]
    public void ValidateAddApprover(string who)
    {
        if (_approvers.Contains(who))
        {
            throw new ArgumentException($"{who} has approved already.");
        }
    }
}

/// <summary>Another workflow: approves on someone's behalf after a (durable) pause, by signalling the approval.</summary>
[Workflow(Queue = "approvals")]
public partial class Delegation
{
    public async Task RunAsync(Guid approvalId, string who, int delaySeconds)
    {
        await Workflow.Sleep(TimeSpan.FromSeconds(delaySeconds));
        await Approval.GetHandle(approvalId).Signals.Approve(who); // recorded in this history, sent once
    }
}
