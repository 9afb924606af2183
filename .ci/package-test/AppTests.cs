using Currant;
using Currant.Testing;
using PackageTest;

namespace AppTests;

// A test project that references Currant and Currant.Testing, as a user's tests would: a CurrantTestEnvironment (its
// own database on the server of CURRANT_DATABASE_URL, or a throwaway LocalPostgres when it is unset) runs a job, a
// workflow, and a workflow that sleeps a week, which time skipping finishes at once.
public sealed class WorkflowTests
{
    private CurrantTestEnvironment _env = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
        => _env = await CurrantTestEnvironment.StartAsync(o => o.ServerUrl = Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL"));

    [OneTimeTearDown]
    public async Task StopAsync() => await _env.DisposeAsync();

    [Test]
    public async Task Job_ReturnsItsResult()
    {
        var job = await Greet.Options(client: _env.Client).Queue("tests");
        Assert.That(await job.GetResultAsync(TimeSpan.FromSeconds(60)), Is.EqualTo("Hello, tests!"));
    }

    [Test]
    public async Task Workflow_RunsItsActivity()
    {
        var workflow = await Onboard.Options(client: _env.Client).Queue("tests");
        Assert.That(await workflow.GetResultAsync(TimeSpan.FromSeconds(60)), Is.EqualTo("account 5 for tests"));
    }

    [Test]
    public async Task Workflow_ThatSleepsAWeek_FinishesAtOnce()
    {
        var started = DateTime.UtcNow;
        var workflow = await Remind.Options(client: _env.Client).Queue("tests");
        Assert.That(await workflow.GetResultAsync(TimeSpan.FromSeconds(60)), Is.EqualTo("reminded tests after 7 days"));
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)));
    }
}
