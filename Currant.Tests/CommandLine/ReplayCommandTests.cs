using System.Text.Json;
using Currant.Testing;
using Currant.Tests.Testing;

namespace Currant.Tests.CommandLine;

/// <summary>
/// <c>currant replay</c> as CI runs it: the tool as a process, given this test assembly as the application build, the
/// build chosen by CURRANT_TEST_REPLAY_BUILD, against a database holding a <see cref="ShipOrder"/> recorded by build A.
/// </summary>
public sealed class ReplayCommandTests
{
    private CurrantTestEnvironment _env = null!;
    private Guid _id;

    [OneTimeSetUp]
    public async Task RecordAHistoryAsync()
    {
        _env = await CurrantTestEnvironment.StartAsync(o =>
        {
            o.ServerUrl = TestDatabase.ServerConnectionString;
            o.AutoSkipTime = false;
        });
        _id = (await ShipOrder.Options(client: _env.Client).Queue("o-2")).Id;
        await _env.SkipTimeAsync(TimeSpan.Zero);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _env.DisposeAsync();

    private Task<(int ExitCode, string Output)> ReplayAsync(string build, params string[] args)
        => ProcessRun.DotnetAsync(
            RepoPaths.Output("Currant.Cli", "currant.dll"),
            ["replay", "--assembly", typeof(ShipOrder).Assembly.Location, "-d", _env.ConnectionString, .. args],
            new Dictionary<string, string?> { ["CURRANT_TEST_REPLAY_BUILD"] = build });

    [Test]
    public async Task Replay_OfACompatibleBuild_ExitsZero()
    {
        var (code, output) = await ReplayAsync("Compatible");

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("Replayed 1 in-flight workflow(s) against Currant.Tests.dll: none would be parked."));
    }

    [Test]
    public async Task Replay_OfAnIncompatibleBuild_ExitsThreeNamingEachWorkflowThatWouldPark()
    {
        var (code, output) = await ReplayAsync("Incompatible");

        Assert.That(code, Is.EqualTo(3), output);
        Assert.That(output, Does.Contain($"ShipOrder {_id}: would park: step 2: expected activity 'ReplayCharge', found activity 'ReplayNotify' at ")
            .And.Contain("ReplayWorkflows.cs:").And.Contain("1 would be parked."));
    }

    [Test]
    public async Task Replay_WithJson_PrintsTheStepTheCallsAndTheLine()
    {
        var (code, output) = await ReplayAsync("Incompatible", "--json", "--name", "ShipOrder");

        Assert.That(code, Is.EqualTo(3), output);
        using var doc = JsonDocument.Parse(output);
        var workflow = doc.RootElement.GetProperty("workflows")[0];
        Assert.That(doc.RootElement.GetProperty("wouldPark").GetInt32(), Is.EqualTo(1));
        Assert.That(workflow.GetProperty("outcome").GetString(), Is.EqualTo("nondeterministic"));
        Assert.That(workflow.GetProperty("step").GetInt32(), Is.EqualTo(2));
        Assert.That(workflow.GetProperty("expected").GetString(), Is.EqualTo("activity 'ReplayCharge'"));
        Assert.That(workflow.GetProperty("found").GetString(), Is.EqualTo("activity 'ReplayNotify'"));
        Assert.That(workflow.GetProperty("sourceFile").GetString(), Does.EndWith("ReplayWorkflows.cs"));
        Assert.That(workflow.GetProperty("sourceLine").GetInt32(), Is.Positive);
    }

    [Test]
    public async Task Replay_OfAMissingAssembly_ExitsOneWithTheFix()
    {
        var (code, output) = await ProcessRun.DotnetAsync(
            RepoPaths.Output("Currant.Cli", "currant.dll"), ["replay", "--assembly", "/nonexistent/App.dll", "-d", _env.ConnectionString]);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain("does not exist. Build your application"));
    }
}
