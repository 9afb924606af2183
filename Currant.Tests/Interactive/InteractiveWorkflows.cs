namespace Currant.Tests.Interactive;

/// <summary>DESIGN.md §2.1's approval workflow: a signal, a query, an update with a validator and WaitUntil with a timeout.</summary>
[Workflow(Name = "InteractiveApproval", Queue = "approvals")]
public partial class InteractiveApproval
{
    private readonly List<string> _approvers = [];
    private string _status = "waiting";

    public async Task<string> RunAsync(string documentId, int needed, int expireSeconds)
    {
        _status = "waiting for " + documentId;
        var enough = await Workflow.WaitUntil(() => _approvers.Count >= needed, TimeSpan.FromSeconds(expireSeconds));
        _status = enough ? "approved" : "expired";
        return $"{_status}:{string.Join(",", _approvers)}";
    }

    [Signal]
    public void Approve(string who) => _approvers.Add(who);

    [Query]
    public string Status() => _status;

    [Query(Name = "count")]
    public int Count() => _approvers.Count;

    [Update]
    public int AddApprover(string who)
    {
        _approvers.Add(who);
        return _approvers.Count;
    }

    [UpdateValidator(nameof(AddApprover))]
    public void ValidateAddApprover(string who)
    {
        if (string.IsNullOrWhiteSpace(who) || _approvers.Contains(who))
        {
            throw new ArgumentException($"'{who}' cannot approve (empty, or approved already).");
        }
    }
}

/// <summary>Collects signals in the order its handler saw them; finishes after <c>expected</c> of them (WaitUntil without a timeout).</summary>
[Workflow(Name = "InteractiveCollector")]
public partial class InteractiveCollector
{
    private readonly List<int> _seen = [];
    private string? _note;

    public async Task<string> RunAsync(int expected)
    {
        await Workflow.WaitUntil(() => _seen.Count >= expected);
        var text = await Workflow.WaitForSignal<string>("note");
        return $"{string.Join(",", _seen)}|{_note ?? "-"}|{text}";
    }

    [Signal(Name = "add")]
    public void Add(int n) => _seen.Add(n);

    [Signal]
    public void Remark(string text, int times) => _note = string.Concat(Enumerable.Repeat(text, times));

    [Query]
    public IReadOnlyList<int> Seen() => _seen;

    [Update]
    public Task Clear()
    {
        _seen.Clear();
        return Task.CompletedTask;
    }

    [Update]
    public int Fail(int code) => throw new InvalidOperationException($"failing on purpose ({code})");
}

/// <summary>Signals another workflow from workflow code (recorded, sent once), then sleeps so replays happen.</summary>
[Workflow(Name = "InteractiveForwarder")]
public partial class InteractiveForwarder
{
    public async Task<string> RunAsync(Guid target, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await InteractiveCollector.GetHandle(target).Signals.Add(i * 10);
            await Workflow.Sleep(TimeSpan.FromMilliseconds(20));
        }

        return "sent";
    }
}

/// <summary>An update whose handler runs an activity (crash tests kill the worker while it runs).</summary>
[Workflow(Name = "InteractiveSlowUpdates")]
public partial class InteractiveSlowUpdates
{
    private int _total;
    private bool _done;

    public async Task<int> RunAsync()
    {
        await Workflow.WaitUntil(() => _done);
        return _total;
    }

    [Update]
    public async Task<int> AddSlowly(int amount)
    {
        var doubled = await LoggedDouble.Run(amount);
        _total += doubled;
        return _total;
    }

    [Signal]
    public void Finish() => _done = true;

    [Query]
    public int Total() => _total;
}

/// <summary>Logs (amount, pid) to update_log through the process's default client, then takes its time.</summary>
[Activity(Retries = 5, Timeout = 60)]
public partial class LoggedDouble
{
    public async Task<int> ExecuteAsync(int amount, CancellationToken ct)
    {
        if (CurrantClient.Default is { } client && Environment.GetEnvironmentVariable("CURRANT_TEST_UPDATE_LOG") == "1")
        {
            await using var command = client.DataSource.CreateCommand("INSERT INTO update_log (amount, pid) VALUES (@amount, @pid)");
            command.Parameters.AddWithValue("amount", amount);
            command.Parameters.AddWithValue("pid", Environment.ProcessId);
            await command.ExecuteNonQueryAsync(ct);
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
        }

        return amount * 2;
    }
}

/// <summary>WaitUntil with a timeout, then a sleep: a WaitUntil timer left pending would fire during the sleep.</summary>
[Workflow(Name = "InteractiveWaitThenSleep")]
public partial class InteractiveWaitThenSleep
{
    private bool _go;

    public async Task<string> RunAsync(int timeoutMs, int sleepMs)
    {
        var met = await Workflow.WaitUntil(() => _go, TimeSpan.FromMilliseconds(timeoutMs));
        await Workflow.Sleep(TimeSpan.FromMilliseconds(sleepMs));
        return met ? "met" : "timed out";
    }

    [Signal]
    public void Go() => _go = true;
}

/// <summary>Starts <c>count</c> collectors with one QueueMany from workflow code and signals each through its typed handle.</summary>
[Workflow(Name = "InteractiveFanOut")]
public partial class InteractiveFanOut
{
    public async Task<List<Guid>> RunAsync(string queue, int count)
    {
        IReadOnlyList<InteractiveCollector.Handle> collectors = await InteractiveCollector.Options(queue: queue).QueueMany(Enumerable.Repeat(1, count));
        for (var i = 0; i < collectors.Count; i++)
        {
            await collectors[i].Signals.Add(i + 1);
        }

        return collectors.Select(c => c.Id).ToList();
    }
}
