using System.Text.Json.Nodes;
using Currant.CommandLine;
using Currant.Testing;
using Currant.Workflows;

namespace Currant.Tests.Testing;

/// <summary>
/// Histories recorded by build "A" of <see cref="ShipOrder"/> (in a <see cref="CurrantTestEnvironment"/>), replayed
/// against the builds <see cref="ReplayBuild"/> switches between. The build is process-wide: not parallel.
/// </summary>
[NonParallelizable]
public sealed class WorkflowReplayerTests
{
    private CurrantTestEnvironment _env = null!;
    private Guid _id;

    [OneTimeSetUp]
    public async Task RecordAHistoryAsync()
    {
        ReplayBuild.Current = "A";
        _env = await CurrantTestEnvironment.StartAsync(o =>
        {
            o.ServerUrl = TestDatabase.ServerConnectionString;
            o.AutoSkipTime = false;
        });
        _id = (await ShipOrder.Options(client: _env.Client).Queue("o-1")).Id;
        // Skipping no time still lets everything that can run now run: the workflow is then waiting for "shipped".
        await _env.SkipTimeAsync(TimeSpan.Zero);
        Assert.That((await _env.Client.GetExecutionAsync(_id))!.State, Is.EqualTo(ExecutionState.Suspended));
    }

    [TearDown]
    public void BackToBuildA() => ReplayBuild.Current = "A";

    [OneTimeTearDown]
    public async Task StopAsync() => await _env.DisposeAsync();

    [Test]
    public async Task Replay_OfTheBuildThatRecordedIt_IsCompatible()
    {
        var report = await WorkflowReplayer.ReplayDatabaseAsync(_env.ConnectionString, new ReplayFilter { Id = _id });

        Assert.That(report.Nondeterminism, Is.Null);
        Assert.That(report.Succeeded, Is.True);
        Assert.That(report.Workflows.Single(), Is.EqualTo(new WorkflowReplayResult(_id, "ShipOrder", ReplayOutcome.Compatible)));
    }

    [Test]
    public async Task Replay_OfReplaySafeReadsAndAGuardedChange_IsCompatible()
    {
        ReplayBuild.Current = "Compatible";

        var report = await WorkflowReplayer.ReplayDatabaseAsync(_env.ConnectionString, new ReplayFilter { Name = "ShipOrder" });

        Assert.That(report.Succeeded, Is.True, report.ToString());
        Assert.That(report.Workflows, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Replay_OfAnInsertedCall_NamesTheStepTheExpectedAndFoundCallAndTheSourceLine()
    {
        var before = await _env.Client.GetHistoryAsync(_id);
        ReplayBuild.Current = "Incompatible";

        var report = await WorkflowReplayer.ReplayDatabaseAsync(_env.ConnectionString, new ReplayFilter { Name = "ShipOrder" });

        Assert.That(report.Succeeded, Is.False);
        var result = report.WouldPark.Single();
        Assert.That(result.WorkflowId, Is.EqualTo(_id));
        Assert.That(result.Outcome, Is.EqualTo(ReplayOutcome.Nondeterministic));
        AssertInsertedCall(result.Nondeterminism);
        Assert.That(result.ToString(), Does.Contain("would park: step 2: expected activity 'ReplayCharge', found activity 'ReplayNotify' at ").And.Contain("ReplayWorkflows.cs:"));

        // Read-only: the workflow is neither parked nor changed.
        var after = await _env.Client.GetExecutionAsync(_id);
        Assert.That(after!.State, Is.EqualTo(ExecutionState.Suspended));
        Assert.That(after.Error, Is.Null);
        Assert.That(await _env.Client.GetHistoryAsync(_id), Is.EqualTo(before));
    }

    [Test]
    public async Task HistoryJson_OfCurrantHistory_ReplaysAsTheDatabaseDoes()
    {
        var json = await HistoryJsonAsync();

        var compatible = await WorkflowReplayer.ReplayAsync(json);
        ReplayBuild.Current = "Incompatible";
        var incompatible = await WorkflowReplayer.ReplayAsync(json);

        Assert.That(compatible.Succeeded, Is.True, compatible.ToString());
        Assert.That(compatible.Workflows.Single().WorkflowId, Is.EqualTo(_id));
        AssertInsertedCall(incompatible.Nondeterminism);
    }

    [Test]
    public async Task HistoryJson_ReadBack_HoldsEveryRecordedField()
    {
        var json = await HistoryJsonAsync();

        var document = WorkflowHistoryDocument.Read(json);
        var stored = await _env.Client.Store.LoadWorkflowAsync(_id, null, CancellationToken.None);

        Assert.That(document.Id, Is.EqualTo(_id));
        Assert.That(document.Name, Is.EqualTo("ShipOrder"));
        Assert.That(document.Arguments, Is.EqualTo("[\"o-1\"]"));
        Assert.That(document.Events, Is.EquivalentTo(stored.History));
        Assert.That(document.Events.Select(e => e.Kind), Is.EqualTo(new[] { "start", "activity", "activity", "signal" }));
    }

    [Test]
    public void ReplayAsync_OfTextThatIsNoHistory_SaysWhatItExpects()
    {
        Assert.That(async () => await WorkflowReplayer.ReplayAsync("[{\"seq\": 1}]"),
            Throws.InstanceOf<FormatException>().With.Message.Contains("currant history <id> --json"));
    }

    [Test]
    public async Task Replay_OfAWorkflowThisBuildDoesNotRegister_WouldPark()
    {
        var json = (await HistoryJsonAsync()).Replace("\"name\": \"ShipOrder\"", "\"name\": \"ShipOrderV0\"", StringComparison.Ordinal);

        var report = await WorkflowReplayer.ReplayAsync(json);

        Assert.That(report.Workflows.Single().Outcome, Is.EqualTo(ReplayOutcome.NotRegistered));
        Assert.That(report.Succeeded, Is.False);
    }

    [Test]
    public async Task Replay_PastTheEndOfItsHistory_NeverRunsAnInlineStepBody()
    {
        var handle = await StepAfterActivity.Options(client: _env.Client).Queue("x");
        await _env.SkipTimeAsync(TimeSpan.Zero);
        var runs = StepBodyRuns.Count;
        // The history as it stood when the activity's outcome had arrived and the workflow was about to run its step.
        var history = JsonNode.Parse(await HistoryJsonAsync(handle.Id))!.AsObject();
        var events = history["events"]!.AsArray();
        events.Remove(events.Single(e => (string?)e!["kind"] == "step"));

        var report = await WorkflowReplayer.ReplayAsync(history.ToJsonString());

        Assert.That(await handle.GetResultAsync(), Is.EqualTo(runs), "the step body ran once, in the real run");
        Assert.That(report.Workflows.Single().Outcome, Is.EqualTo(ReplayOutcome.Compatible));
        Assert.That(StepBodyRuns.Count, Is.EqualTo(runs), "the replay stopped at the step without running its body");
    }

    private async Task<string> HistoryJsonAsync(Guid? id = null)
    {
        var output = new StringWriter();
        var code = await CurrantCommandLine.InvokeAsync(["history", (id ?? _id).ToString(), "--json", "-d", _env.ConnectionString], output: output);
        Assert.That(code, Is.Zero);
        return output.ToString();
    }

    private static void AssertInsertedCall(ReplayDivergence? divergence)
    {
        Assert.That(divergence, Is.Not.Null);
        Assert.That(divergence!.Step, Is.EqualTo(2));
        Assert.That(divergence.Expected, Is.EqualTo("activity 'ReplayCharge'"));
        Assert.That(divergence.Found, Is.EqualTo("activity 'ReplayNotify'"));
        Assert.That(divergence.Member, Is.EqualTo("Currant.Tests.Testing.ShipOrder.RunAsync"));
        Assert.That(divergence.SourceFile, Does.EndWith("ReplayWorkflows.cs"));
        // A deterministic build (CI=true) maps source paths under the repository root to /_/.
        var file = divergence.SourceFile!.StartsWith("/_/", StringComparison.Ordinal) ? Path.Combine(RepoPaths.Root, divergence.SourceFile[3..]) : divergence.SourceFile;
        var lines = File.ReadAllLines(file);
        Assert.That(divergence.SourceLine, Is.EqualTo(Array.FindIndex(lines, l => l.Contains("replay-test: the incompatible call", StringComparison.Ordinal)) + 1));
        Assert.That(divergence.Message, Does.Contain("not deterministic at step 2"));
    }
}
