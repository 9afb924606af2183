using Currant;
using Currant.Development;
using PackageTest;

namespace AppTests;

// A test project that references Currant and Currant.Testing: a job and a workflow against CURRANT_DATABASE_URL, or
// against a throwaway LocalPostgres when it is unset.
public sealed class WorkflowTests
{
    private LocalPostgres? _server;
    private CurrantClient _client = null!;
    private CurrantWorker _worker = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var url = Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL");
        if (string.IsNullOrWhiteSpace(url))
        {
            _server = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = false });
            url = _server.ConnectionString;
        }

        _client = await CurrantClient.ConnectAsync(url);
        await _client.MigrateAsync();
        _worker = await _client.StartWorkerAsync(new WorkerOptions { Queues = ["app"] });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _worker.DisposeAsync();
        await _client.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public async Task Job_ReturnsItsResult()
    {
        var job = await Greet.Queue("tests");
        Assert.That(await job.GetResultAsync(TimeSpan.FromSeconds(60)), Is.EqualTo("Hello, tests!"));
    }

    [Test]
    public async Task Workflow_RunsItsActivity()
    {
        var workflow = await Onboard.Queue("tests");
        Assert.That(await workflow.GetResultAsync(TimeSpan.FromSeconds(60)), Is.EqualTo("account 5 for tests"));
    }
}
